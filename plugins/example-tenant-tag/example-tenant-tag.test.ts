// How to test a plugin: runPlugin validates the config, sets the plugin up and runs it on one event
// exactly as the gateway would, then closes it.
import { expect } from 'chai';
import { runPlugin, type CloudEvent } from 'cloudevents-gateway';
import tenantTag from './index.js';

const event: CloudEvent = {
  specversion: '1.0',
  id: 'evt-1',
  source: '/billing',
  type: 'com.example.invoice.paid',
  data: { amount: 10 },
};

describe('plugin example-tenant-tag', () => {
  it('adds the tenant extension and leaves the rest of the event alone', async () => {
    const run = await runPlugin(tenantTag, { tenant: 'acme' }, event);
    expect(run.kind).to.equal('continue');
    if (run.kind !== 'continue') return;
    expect(run.event).to.deep.equal({ ...event, tenant: 'acme' });
    // the message is what the default (structured JSON) format made of the tagged event
    expect(JSON.parse(new TextDecoder().decode(run.value.body))).to.include({ tenant: 'acme', id: 'evt-1' });
  });

  it('writes to a configured attribute and can keep a producer-set tag', async () => {
    const tagged = { ...event, org: 'globex' };
    const overwrite = await runPlugin(tenantTag, { tenant: 'acme', attribute: 'org' }, tagged);
    const keep = await runPlugin(tenantTag, { tenant: 'acme', attribute: 'org', keepExisting: true }, tagged);
    expect(overwrite.kind === 'continue' && overwrite.event?.org).to.equal('acme');
    expect(keep.kind === 'continue' && keep.event?.org).to.equal('globex');
  });

  it('rejects a config without tenant, naming the plugin and the pointer', async () => {
    const error = await runPlugin(tenantTag, { attribute: 'Not-Valid' }, event).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).to.have.property('code', 'CEG_ERR_PLUGIN_CONFIG_INVALID');
    expect(String((error as Error).message)).to.contain('example-tenant-tag');
    expect((error as { violations: { pointer: string }[] }).violations.map((v) => v.pointer)).to.have.members([
      '/pipeline/0/config/tenant',
      '/pipeline/0/config/attribute',
    ]);
  });
});
