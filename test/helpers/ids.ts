// The creation time a store id (UUIDv7) carries in its first 48 bits.
export function idTime(id: string): number {
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
