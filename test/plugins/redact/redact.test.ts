import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import type { CloudEvent } from '../../../src/cloudevents/event.js';
import { runPlugin, type PluginRun } from '../../../src/pipeline/mod.js';
import redact from '../../../plugins/redact/index.js';
import { rejection, sampleEvent } from '../../pipeline/support.js';

const hashKey = 'correlation-key-0123456789';

function dataOf(run: PluginRun): unknown {
  if (run.kind !== 'continue' || !run.event) throw new Error(`expected continue, got ${run.kind}`);
  return run.event.data;
}

const order = (): CloudEvent =>
  sampleEvent({
    data: {
      customer: { email: 'jane.doe@example.com', name: 'Zoë Ölçek', ssn: '123-45-6789', phone: '+33 6 12 34 56 78' },
      cards: [{ number: '4111111111111111', exp: '12/30' }, { number: 5500005555555559, exp: '01/31' }],
      notes: { a: 'x', b: 'y' },
    },
  });

describe('plugin redact', () => {
  it('masks keeping trailing characters, email-aware masks, removes and hashes', async () => {
    const run = await runPlugin(
      redact,
      {
        hashKey,
        fields: [
          { path: '/customer/email', strategy: 'mask-email' },
          { path: '/customer/phone', strategy: 'mask', keep: 2 },
          { path: '/customer/ssn', strategy: 'remove' },
          { path: '/customer/name', strategy: 'hash' },
          { path: '/cards/*/number', strategy: 'mask', keep: 4 },
        ],
      },
      order(),
    );
    const expectedHash = 'hmac-sha256:' + createHmac('sha256', hashKey).update('Zoë Ölçek').digest('hex');
    expect(dataOf(run)).to.deep.equal({
      customer: { email: 'j***@example.com', name: expectedHash, phone: '***************78' },
      cards: [{ number: '************1111', exp: '12/30' }, { number: '************5559', exp: '01/31' }],
      notes: { a: 'x', b: 'y' },
    });
  });

  it('masks by user-perceived characters, never splitting emoji or accents', async () => {
    const run = await runPlugin(redact, { fields: [{ path: '/name', strategy: 'mask', keep: 2 }] }, sampleEvent({ data: { name: 'Zoë👩‍👩‍👧🚀' } }));
    expect(dataOf(run)).to.deep.equal({ name: '***👩‍👩‍👧🚀' });
  });

  it('uses `*` for every key of an object and removes array items', async () => {
    const run = await runPlugin(
      redact,
      { maskChar: '#', fields: [{ path: '/notes/*', strategy: 'mask' }, { path: '/cards/0', strategy: 'remove' }] },
      order(),
    );
    const data = dataOf(run) as { notes: unknown; cards: unknown[] };
    expect(data.notes).to.deep.equal({ a: '#', b: '#' });
    expect(data.cards).to.have.length(1);
  });

  it('leaves events alone when paths are missing or data is not JSON, returning the same event', async () => {
    const input = order();
    const missing = await runPlugin(redact, { fields: [{ path: '/nowhere/deep', strategy: 'remove' }] }, input);
    expect(dataOf(missing)).to.equal(input.data);
    const text = sampleEvent({ datacontenttype: 'text/plain', data: 'jane.doe@example.com' });
    expect(dataOf(await runPlugin(redact, { fields: [{ path: '/x', strategy: 'remove' }] }, text))).to.equal('jane.doe@example.com');
  });

  it('masks what is not an address whole and replaces objects under a mask', async () => {
    const run = await runPlugin(
      redact,
      { fields: [{ path: '/email', strategy: 'mask-email' }, { path: '/customer', strategy: 'mask', keep: 3 }] },
      sampleEvent({ data: { email: 'not-an-address', customer: { id: 1 } } }),
    );
    expect(dataOf(run)).to.deep.equal({ email: '**************', customer: '***' });
  });

  it('gives the same hash for the same value (correlation) and a different one per key', async () => {
    const a = await runPlugin(redact, { hashKey, fields: [{ path: '/id', strategy: 'hash' }] }, sampleEvent({ data: { id: 42 } }));
    const b = await runPlugin(redact, { hashKey, fields: [{ path: '/id', strategy: 'hash' }] }, sampleEvent({ data: { id: 42 } }));
    const c = await runPlugin(redact, { hashKey: hashKey + '!', hashPrefix: '', fields: [{ path: '/id', strategy: 'hash' }] }, sampleEvent({ data: { id: 42 } }));
    expect(dataOf(a)).to.deep.equal(dataOf(b));
    expect((dataOf(c) as { id: string }).id).to.match(/^[0-9a-f]{64}$/).and.not.equal((dataOf(a) as { id: string }).id);
  });

  it('does not mutate the input event', async () => {
    const input = order();
    await runPlugin(redact, { fields: [{ path: '/customer/email', strategy: 'remove' }] }, input);
    expect((input.data as { customer: { email: string } }).customer.email).to.equal('jane.doe@example.com');
  });

  it('rejects configs with pointers: hash without key, bad strategy, bad path', async () => {
    const noKey = await rejection(runPlugin(redact, { fields: [{ path: '/a', strategy: 'mask' }, { path: '/b', strategy: 'hash' }] }, order()));
    expect(noKey.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
    expect(noKey.violations?.map((v) => v.pointer)).to.deep.equal(['/pipeline/0/config/hashKey']);
    const bad = await rejection(runPlugin(redact, { fields: [{ path: 'a', strategy: 'shred' }] }, order()));
    expect(bad.violations?.map((v) => v.pointer)).to.have.members(['/pipeline/0/config/fields/0/path', '/pipeline/0/config/fields/0/strategy']);
    expect(bad.message).to.contain('plugin "redact"');
  });
});
