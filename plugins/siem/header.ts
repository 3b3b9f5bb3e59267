// CEF and LEEF open with the same kind of pipe-delimited header: `|` and `\` are escaped with a
// backslash, and a line break (there is no escape for it there) would end the event, so it becomes a space.

export function headerField(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/[\\|]/g, (c) => `\\${c}`);
}
