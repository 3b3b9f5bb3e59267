import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { buildConfig } from '../../src/config/load.js';
import type { RouteConfig } from '../../src/config/types.js';
import { compileTypePatterns } from '../../src/routing/pattern.js';
import { RouteTable } from '../../src/routing/routes.js';

const routesOf = (routes: unknown[]): RouteConfig[] => buildConfig({ routes }).routes;
const event = (type: string, source = 'urn:a', subject?: string): CloudEvent => ({ specversion: '1.0', id: '1', type, source, ...(subject ? { subject } : {}) });
const keys = (table: RouteTable, e: CloudEvent) => table.match(e).map((t) => t.key);

/** What a route table must answer, by its definition: every route in config order, checked one by one. */
function reference(routes: RouteConfig[], e: CloudEvent): string[] {
  return routes.flatMap((r) =>
    compileTypePatterns(r.match.types)(e.type) &&
    (r.match.source === undefined || r.match.source === e.source) &&
    (r.match.subject === undefined || r.match.subject === e.subject)
      ? r.destinations.map((_, i) => `r-${r.name}-${i}`)
      : [],
  );
}

describe('routing/RouteTable', () => {
  const dest = (n: number) => Array.from({ length: n }, (_, i) => ({ url: `https://h.example/${i}` }));

  it('answers literal, wildcard and per-source routes in config order, each destination once', () => {
    const routes = routesOf([
      { name: 'wild', match: { types: ['user.>'] }, destinations: dest(1) },
      { name: 'by-source', match: { types: ['user.created'], source: 'urn:b' }, destinations: dest(2) },
      { name: 'literal', match: { types: ['user.created', 'user.deleted', 'user.created'] }, destinations: dest(1) },
      { name: 'star', match: { types: ['*'] }, destinations: dest(1) },
      { name: 'subject', match: { types: ['user.created'], subject: 'vip' }, destinations: dest(1) },
    ]);
    const table = new RouteTable(routes);
    expect(keys(table, event('user.created', 'urn:b'))).to.deep.equal(['r-wild-0', 'r-by-source-0', 'r-by-source-1', 'r-literal-0', 'r-star-0']);
    expect(keys(table, event('user.created', 'urn:a', 'vip'))).to.deep.equal(['r-wild-0', 'r-literal-0', 'r-star-0', 'r-subject-0']);
    expect(keys(table, event('user.deleted'))).to.deep.equal(['r-wild-0', 'r-literal-0', 'r-star-0']);
    expect(keys(table, event('order.placed'))).to.deep.equal(['r-star-0']);
    expect(table.get('by-source')?.destinations).to.have.length(2);
    expect(table.get('nope')).to.equal(undefined);
  });

  it('agrees with a route-by-route check on a large mixed table', () => {
    const types = ['user.created', 'user.deleted', 'session.started', 'order.placed'];
    const sources = ['urn:s0', 'urn:s1', 'urn:s2'];
    const routes = routesOf(
      Array.from({ length: 300 }, (_, i) => ({
        name: `r${i}`,
        match: {
          types: i % 7 === 0 ? ['user.*'] : i % 11 === 0 ? ['>'] : [types[i % 4]!, ...(i % 5 === 0 ? [types[(i + 1) % 4]!] : [])],
          ...(i % 3 === 0 ? {} : { source: sources[i % 3] }),
          ...(i % 13 === 0 ? { subject: 'x' } : {}),
        },
        destinations: dest(1 + (i % 2)),
      })),
    );
    const table = new RouteTable(routes);
    let matched = 0;
    for (const type of [...types, 'user.suspended', 'other']) {
      for (const source of [...sources, 'urn:none']) {
        for (const subject of [undefined, 'x']) {
          const e = event(type, source, subject);
          const want = reference(routes, e);
          expect(keys(table, e), `${type} ${source} ${subject}`).to.deep.equal(want);
          matched += want.length;
        }
      }
    }
    expect(matched).to.be.greaterThan(1000);
  });
});
