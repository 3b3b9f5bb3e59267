// Attempt statistics both implementations compute the same way: counts from the database, percentiles by
// nearest rank, fetched as one row at that rank of a durationMs sort so no result set is shipped.
export const SUCCESS = { min: 200, max: 299 } as const;

/** 0-based index of the nearest-rank percentile `p` (0..1) among `n` sorted values. */
export function percentileIndex(n: number, p: number): number {
  return Math.max(0, Math.ceil(p * n) - 1);
}
