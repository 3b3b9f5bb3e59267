// Keyset pagination over time-ordered ids: a page is fetched with one row more than asked, and that extra
// row's presence says whether a next page exists. The cursor is the last id returned.
import type { Page, PageQuery } from './types.js';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

export function pageLimit(query: PageQuery | undefined): number {
  const limit = query?.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) return DEFAULT_LIMIT;
  return Math.min(limit, MAX_LIMIT);
}

/** `rows` holds up to limit + 1 items in page order. */
export function toPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextCursor: items[items.length - 1]!.id };
}
