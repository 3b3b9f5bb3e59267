import { expect } from 'chai';
import { runPlugin, type PluginRun } from '../../../src/pipeline/mod.js';
import transform from '../../../plugins/transform/index.js';
import { rejection, sampleEvent } from '../../pipeline/support.js';

function eventOf(run: PluginRun) {
  if (run.kind !== 'continue' || !run.event) throw new Error(`expected continue, got ${run.kind}`);
  return run.event;
}

describe('plugin transform', () => {
  it('computes new data with JSONata over the whole event', async () => {
    const run = await runPlugin(transform, { data: '{ "cents": data.amount, "kind": type, "who": data.customer.name }' }, sampleEvent());
    expect(eventOf(run).data).to.deep.equal({ cents: 4200, kind: 'com.example.invoice.paid', who: 'Zoë 🚀' });
  });

  it('computes attributes; every expression sees the input event', async () => {
    const run = await runPlugin(
      transform,
      { data: '{"replaced": true}', attributes: { subject: 'data.customer.email', amount: 'data.amount', type: '"x." & type' } },
      sampleEvent(),
    );
    expect(eventOf(run)).to.include({ subject: 'jane.doe@example.com', amount: 4200, type: 'x.com.example.invoice.paid' });
  });

  it('removes an optional attribute whose expression yields nothing, but fails on a required one', async () => {
    const removed = await runPlugin(transform, { attributes: { subject: 'data.nothing' } }, sampleEvent({ subject: 'old' }));
    expect(eventOf(removed)).to.not.have.property('subject');
    const failed = await runPlugin(transform, { attributes: { id: 'data.nothing' } }, sampleEvent());
    expect(failed.kind === 'fail' && failed.error).to.include({ retryable: false });
    expect(failed.kind === 'fail' && failed.error.message).to.contain('attribute id must be a string, number or boolean, got nothing');
  });

  it('fails permanently on JSONata runtime errors and on non-scalar attribute values', async () => {
    const castError = await runPlugin(transform, { data: '$number("abc") + 1' }, sampleEvent());
    expect(castError.kind === 'fail' && castError.error.retryable).to.equal(false);
    expect(castError.kind === 'fail' && castError.error.message).to.contain('JSONata');
    const objectAttr = await runPlugin(transform, { attributes: { subject: 'data.customer' } }, sampleEvent());
    expect(objectAttr.kind === 'fail' && objectAttr.error.message).to.contain('got object');
  });

  it('sets, renames and removes attributes and data paths, in that order', async () => {
    const run = await runPlugin(
      transform,
      {
        set: { '/data/customer/tier': 'gold', '/partitionkey': 'eu-1', '/data/tags/-': 'new' },
        rename: { '/data/customer/email': '/data/contact', '/partitionkey': '/shard' },
        remove: ['/data/currency', '/time', '/data/absent'],
      },
      sampleEvent({ data: { amount: 1, currency: 'EUR', customer: { email: 'a@b.c' }, tags: ['x'] } }),
    );
    const out = eventOf(run);
    expect(out.data).to.deep.equal({ amount: 1, customer: { tier: 'gold' }, contact: 'a@b.c', tags: ['x', 'new'] });
    expect(out).to.include({ shard: 'eu-1' }).and.not.have.any.keys('partitionkey', 'time');
  });

  it('never mutates its input and shares untouched branches', async () => {
    const input = sampleEvent({ data: { keep: { deep: [1, 2] }, change: 1 } });
    const run = await runPlugin(transform, { set: { '/data/change': 2 } }, input);
    const out = eventOf(run);
    expect(input.data).to.deep.equal({ keep: { deep: [1, 2] }, change: 1 });
    expect((out.data as { keep: unknown }).keep).to.equal((input.data as { keep: unknown }).keep);
  });

  it('handles events without data', async () => {
    const { data: _none, ...bare } = sampleEvent();
    const run = await runPlugin(transform, { set: { '/data/created': true } }, bare);
    expect(eventOf(run).data).to.deep.equal({ created: true });
  });

  it('reports every config problem with a pointer: JSONata syntax, bad paths, protected attributes', async () => {
    const err = await rejection(
      runPlugin(transform, {
        data: 'data.(',
        set: { '/specversion': '2.0', '/subject': { not: 'scalar' }, '/Bad-Name': 'x', '/subject/deep': 1 },
        rename: { '/id': '/oldid' },
        remove: ['/type', 'no-slash'],
      }, sampleEvent()),
    );
    expect(err.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
    expect(err.message).to.contain('plugin "transform"');
    expect(err.violations?.map((v) => v.pointer)).to.deep.equal([
      '/pipeline/0/config/data',
      '/pipeline/0/config/set/~1specversion',
      '/pipeline/0/config/set/~1subject',
      '/pipeline/0/config/set/~1Bad-Name',
      '/pipeline/0/config/set/~1subject~1deep',
      '/pipeline/0/config/rename/~1id',
      '/pipeline/0/config/remove/0',
      '/pipeline/0/config/remove/1',
    ]);
  });

  it('rejects an empty config and attribute expressions for data or specversion through its schema', async () => {
    expect((await rejection(runPlugin(transform, {}, sampleEvent()))).code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
    const err = await rejection(runPlugin(transform, { attributes: { data: 'x' } }, sampleEvent()));
    expect(err.violations?.[0]?.pointer).to.match(/^\/pipeline\/0\/config\/attributes/);
  });
});
