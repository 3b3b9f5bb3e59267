const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds from a config duration: a number of ms, or `<n><unit>` (already checked by the schema). */
export function toMs(value: number | string): number {
  if (typeof value === 'number') return value;
  const m = /^([0-9]+)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new TypeError(`not a duration: ${value}`);
  return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
}
