// Row <-> model conversions shared by the embedded repositories: SQL NULL means "absent" in the model.

/** Copies `row` without its null or undefined values, so absent fields are absent keys as with MongoDB. */
export function present<T extends object>(row: T): { [K in keyof T]: Exclude<T[K], null> } {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) if (value !== null && value !== undefined) out[key] = value;
  return out as { [K in keyof T]: Exclude<T[K], null> };
}

export function date(ms: number): Date;
export function date(ms: number | null): Date | undefined;
export function date(ms: number | null): Date | undefined {
  return ms === null ? undefined : new Date(ms);
}

/** JSON column to value; NULL stays absent. */
export function json<T>(text: string | null): T | undefined {
  return text === null ? undefined : (JSON.parse(text) as T);
}
