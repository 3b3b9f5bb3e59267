import { expect } from 'chai';
import type { CloudEvent } from '../../../src/cloudevents/event.js';
import { runPlugin } from '../../../src/pipeline/mod.js';
import filter from '../../../plugins/filter/index.js';
import { rejection, sampleEvent } from '../../pipeline/support.js';

async function kept(config: unknown, event: CloudEvent = sampleEvent()): Promise<boolean> {
  const run = await runPlugin(filter, config, event);
  if (run.kind === 'fail') throw run.error;
  return run.kind === 'continue';
}

describe('plugin filter', () => {
  it('applies the Subscriptions API dialects to attributes', async () => {
    expect(await kept({ filters: [{ prefix: { type: 'com.example.invoice.' } }] })).to.equal(true);
    expect(await kept({ filters: [{ exact: { source: '/shipping' } }] })).to.equal(false);
    expect(await kept({ filters: [{ any: [{ suffix: { type: '.paid' } }, { exact: { source: 'x' } }] }, { not: { exact: { subject: 'x' } } }] })).to.equal(true);
  });

  it('evaluates CESQL', async () => {
    expect(await kept({ filters: [{ sql: "type LIKE 'com.example.%' AND source = '/billing'" }] })).to.equal(true);
    expect(await kept({ filters: [{ sql: 'EXISTS subject' }] })).to.equal(false);
  });

  it('tests data by JSON pointer: equals, in, exists, gt, lt, matches, all of them required', async () => {
    expect(await kept({ data: [{ path: '/amount', gt: 1000, lt: 5000 }] })).to.equal(true);
    expect(await kept({ data: [{ path: '/amount', gt: 5000 }] })).to.equal(false);
    expect(await kept({ data: [{ path: '/currency', in: ['EUR', 'USD'] }] })).to.equal(true);
    expect(await kept({ data: [{ path: '/customer', equals: { email: 'jane.doe@example.com', name: 'Zoë 🚀' } }] })).to.equal(true);
    expect(await kept({ data: [{ path: '/customer/name', matches: '^Zo\\p{L}\\s\\p{Extended_Pictographic}$' }] })).to.equal(true);
    expect(await kept({ data: [{ path: '/customer/phone', exists: false }, { path: '/currency', exists: true }] })).to.equal(true);
    expect(await kept({ data: [{ path: '/amount', matches: '42' }] })).to.equal(false);
  });

  it('combines attribute filters and data conditions', async () => {
    const config = { filters: [{ exact: { type: 'com.example.invoice.paid' } }], data: [{ path: '/amount', gt: 10_000 }] };
    expect(await kept(config)).to.equal(false);
    expect(await kept(config, sampleEvent({ data: { amount: 20_000 } }))).to.equal(true);
  });

  it('treats missing or non-JSON data as missing values, and reaches into arrays', async () => {
    const text = sampleEvent({ datacontenttype: 'text/plain', data: 'hello' });
    expect(await kept({ data: [{ path: '/amount', exists: false }] }, text)).to.equal(true);
    expect(await kept({ data: [{ path: '/amount', equals: 1 }] }, text)).to.equal(false);
    expect(await kept({ data: [{ path: '/items/1/sku', equals: 'B' }] }, sampleEvent({ data: { items: [{ sku: 'A' }, { sku: 'B' }] } }))).to.equal(true);
  });

  it('reports invalid filters, conditions and regexes with pointers into the config', async () => {
    const err = await rejection(
      runPlugin(filter, { filters: [{ sql: 'type = ' }], data: [{ path: '/a', matches: '(' }] }, sampleEvent()),
    );
    expect(err.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
    expect(err.violations?.map((v) => v.pointer)).to.deep.equal(['/pipeline/0/config/filters/0/sql', '/pipeline/0/config/data/0/matches']);
    const schema = await rejection(runPlugin(filter, { data: [{ path: '/a' }], filters: [{ exact: {}, prefix: {} }] }, sampleEvent()));
    expect(schema.violations?.some((v) => v.pointer === '/pipeline/0/config/data/0')).to.equal(true);
  });
});
