import { expect } from 'chai';
import { runPlugin, type PluginRun } from '../../../src/pipeline/mod.js';
import envelope from '../../../plugins/webhook-envelope/index.js';
import { bodyJson, rejection, sampleEvent } from '../../pipeline/support.js';

function message(run: PluginRun) {
  if (run.kind !== 'continue') throw new Error(`expected continue, got ${run.kind}`);
  return run.value;
}

describe('plugin webhook-envelope', () => {
  it('defaults to { type, id, timestamp, data } as application/json', async () => {
    const out = message(await runPlugin(envelope, undefined, sampleEvent()));
    expect(out.headers).to.deep.equal({ 'content-type': 'application/json' });
    expect(bodyJson(out.body)).to.deep.equal({
      type: 'com.example.invoice.paid',
      id: 'evt-1',
      timestamp: '2026-01-02T03:04:05Z',
      data: sampleEvent().data,
    });
  });

  it('maps configured field names to attributes and extensions, nests, and converts times to unix', async () => {
    const config = {
      fields: {
        event: 'type',
        id: 'id',
        created: { from: 'time', as: 'unix' },
        data: 'data',
        organization: 'tenantid',
        metadata: { fields: { source: 'source', region: { from: 'region', default: 'unknown' } } },
      },
      contentType: 'application/vnd.acme+json',
    };
    const out = message(await runPlugin(envelope, config, sampleEvent({ tenantid: 'acme', data: { ü: 'ñ 😀' } })));
    expect(out.headers['content-type']).to.equal('application/vnd.acme+json');
    expect(bodyJson(out.body)).to.deep.equal({
      event: 'com.example.invoice.paid',
      id: 'evt-1',
      created: 1767323045,
      data: { ü: 'ñ 😀' },
      organization: 'acme',
      metadata: { source: '/billing', region: 'unknown' },
    });
    // field order follows the config, which receivers reading raw JSON sometimes depend on
    expect(Object.keys(bodyJson(out.body) as object)).to.deep.equal(['event', 'id', 'created', 'data', 'organization', 'metadata']);
  });

  it('leaves out absent attributes and carries binary data as its base64 text', async () => {
    const { data: _none, time: _t, ...bare } = sampleEvent();
    const out = message(await runPlugin(envelope, { fields: { id: 'id', at: { from: 'time', as: 'unix-ms' }, payload: 'data' } }, { ...bare, data_base64: 'AAEC' }));
    expect(bodyJson(out.body)).to.deep.equal({ id: 'evt-1', payload: 'AAEC' });
  });

  it('rejects invalid field specs with pointers', async () => {
    const err = await rejection(runPlugin(envelope, { fields: { created: { from: 'time', as: 'weeks' } } }, sampleEvent()));
    expect(err.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
    expect(err.violations?.some((v) => v.pointer.startsWith('/pipeline/0/config/fields/created'))).to.equal(true);
  });
});
