// Cursor pagination on the wire: `?limit&cursor` in, `{ items, nextCursor }` out, and the next page's
// address in a `Link: <…>; rel="next"` header (RFC 8288) for clients that follow links.
import type { Request, Response } from 'express';
import type { Page, PageQuery } from '../store/types.js';
import type { PageParams } from './schemas.js';

const DEFAULT_LIMIT = 50;

/** The store query for the parameters; a limit above the configured maximum is capped, not refused. */
export function toPageQuery(params: PageParams, maxPageSize: number): PageQuery {
  const limit = Math.min(params.limit === undefined ? DEFAULT_LIMIT : Number(params.limit), maxPageSize);
  return params.cursor === undefined ? { limit } : { limit, cursor: params.cursor };
}

export function sendPage<T>(req: Request, res: Response, page: Page<T>, render: (item: T) => unknown): void {
  if (page.nextCursor !== undefined) {
    // the same request with the cursor moved on: filters and limit carry over
    const next = new URL(req.originalUrl, 'http://localhost');
    next.searchParams.set('cursor', page.nextCursor);
    res.set('Link', `<${next.pathname}${next.search}>; rel="next"`);
  }
  res.json({ items: page.items.map(render), ...(page.nextCursor !== undefined && { nextCursor: page.nextCursor }) });
}
