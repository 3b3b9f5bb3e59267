// The whole built-in chain as a route would configure it, verified the way a receiver would.
import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { generateSecret } from '../../src/signing/mod.js';
import { bodyJson, compile, runOnce, sampleEvent } from './support.js';

describe('pipeline: filter -> transform -> redact -> webhook-envelope -> sign', () => {
  const steps = [
    { use: 'filter', config: { filters: [{ prefix: { type: 'com.example.invoice.' } }], data: [{ path: '/amount', gt: 0 }] } },
    { use: 'transform', config: { data: '$merge([data, { "total": data.amount / 100 }])', set: { '/tenantid': 'acme' } } },
    { use: 'redact', config: { fields: [{ path: '/customer/email', strategy: 'mask-email' }] } },
    { use: 'webhook-envelope', config: { fields: { event: 'type', id: 'id', created: { from: 'time', as: 'unix' }, data: 'data', organization: 'tenantid' } } },
    { use: 'sign', config: { scheme: 'standard-webhooks' } },
  ];

  it('delivers a body a Standard Webhooks receiver verifies, with every step applied', async () => {
    const pipeline = await compile(steps);
    const secret = generateSecret();
    const result = await runOnce(pipeline, sampleEvent(), { keys: [{ id: 'k1', secret }], deliveryId: 'msg_chain' });
    expect(result.kind).to.equal('continue');
    if (result.kind !== 'continue') return;
    const body = Buffer.from(result.value.body);
    expect(new Webhook(secret).verify(body, result.value.headers)).to.deep.equal(bodyJson(result.value.body));
    expect(bodyJson(result.value.body)).to.deep.equal({
      event: 'com.example.invoice.paid',
      id: 'evt-1',
      created: 1767323045,
      data: { amount: 4200, currency: 'EUR', customer: { email: 'j***@example.com', name: 'Zoë 🚀' }, total: 42 },
      organization: 'acme',
    });
    expect(result.value.headers).to.include({ 'content-type': 'application/json', 'webhook-id': 'msg_chain' });
    await pipeline.close();
  });

  it('drops what the filter rejects before any other step runs', async () => {
    const pipeline = await compile(steps);
    const result = await runOnce(pipeline, sampleEvent({ type: 'com.example.refund.created' }));
    expect(result).to.include({ kind: 'drop', step: 'filter' });
    await pipeline.close();
  });
});
