import { expect } from 'chai';
import { startApi, subscriptionBody, type TestApi } from './support.js';

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ pointer: string; detail: string }>;
}

describe('api subscription validation', () => {
  let api: TestApi;
  let key: string;
  const sink = 'http://127.0.0.1:9/hook';

  before(async () => {
    api = await startApi({ delivery: { ssrf: { allow: ['127.0.0.1/32'] } } });
    key = await api.tenant('acme');
  });
  after(() => api.close());

  const post = async (body: unknown, headers?: Record<string, string>) => {
    const res = await api.call('POST', '/v1/subscriptions', { key, body, ...(headers && { headers }) });
    if (res.status < 400) expect.fail(`expected a refusal, got ${res.status}`);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    return res.body as Problem;
  };
  const pointers = (p: Problem) => (p.errors ?? []).map((e) => e.pointer);

  const cases: Array<{ name: string; body: unknown; code: string; pointers: string[] }> = [
    { name: 'a missing sink', body: { types: ['a.b'] }, code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/sink'] },
    {
      name: 'wrong types everywhere, all reported at once',
      body: subscriptionBody(sink, { types: 'user.created', contentMode: 'carrier-pigeon', rateLimit: { perSecond: -1 }, metadata: { a: 1 } }),
      code: 'CEG_ERR_API_BAD_REQUEST',
      pointers: ['/types', '/contentMode', '/rateLimit/perSecond', '/metadata/a'],
    },
    { name: 'an unknown field', body: subscriptionBody(sink, { colour: 'blue' }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/colour'] },
    { name: 'an unknown nested field', body: subscriptionBody(sink, { signing: { scheme: 'hmac', key: 'x' } }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/signing/key'] },
    { name: 'a sink that is no URL', body: subscriptionBody('not a url'), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/sink'] },
    { name: 'a non-http sink', body: subscriptionBody('ftp://example.com/x'), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/sink'] },
    { name: 'credentials in the sink', body: subscriptionBody('https://u:p@example.com/x'), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/sink'] },
    { name: 'a sink at a private address', body: subscriptionBody('http://10.1.2.3/x'), code: 'CEG_ERR_SSRF_BLOCKED', pointers: ['/sink'] },
    { name: 'a sink at the metadata address', body: subscriptionBody('http://169.254.169.254/latest'), code: 'CEG_ERR_SSRF_BLOCKED', pointers: ['/sink'] },
    { name: 'a broken type pattern', body: subscriptionBody(sink, { types: ['user..created', 'a.>.b'] }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/types/0', '/types/1'] },
    { name: 'invalid CESQL', body: subscriptionBody(sink, { filters: [{ exact: { type: 'a' } }, { all: [{ sql: "subject = 'x' AND" }] }] }), code: 'CEG_ERR_FILTER_INVALID', pointers: ['/filters/1/all/0/sql'] },
    { name: 'an unknown filter dialect', body: subscriptionBody(sink, { filters: [{ regex: { type: 'a.*' } }] }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/filters/0/regex'] },
    { name: 'an unknown plugin', body: subscriptionBody(sink, { pipeline: [{ use: 'transform', config: { data: '$' } }, { use: 'no-such-plugin-xyz' }] }), code: 'CEG_ERR_PLUGIN_NOT_FOUND', pointers: ['/pipeline/1/use'] },
    { name: 'a bad plugin config', body: subscriptionBody(sink, { pipeline: [{ use: 'transform', config: { rename: { a: 1 }, bogus: true } }] }), code: 'CEG_ERR_PLUGIN_CONFIG_INVALID', pointers: ['/pipeline/0/config/rename/a', '/pipeline/0/config/bogus'] },
    { name: 'a reserved header', body: subscriptionBody(sink, { protocolsettings: { headers: { Host: 'evil', 'webhook-id': 'x', 'x-ok': 'y' } } }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/protocolsettings/headers/Host', '/protocolsettings/headers/webhook-id'] },
    { name: 'a header value with CR/LF', body: subscriptionBody(sink, { protocolsettings: { headers: { 'x-a': 'v\r\nx-b: smuggled' } } }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/protocolsettings/headers/x-a'] },
    { name: 'a wrong protocol', body: subscriptionBody(sink, { protocol: 'MQTT5' }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/protocol'] },
    { name: 'a bad ordering key', body: subscriptionBody(sink, { orderingKey: 'Partition-Key' }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/orderingKey'] },
    { name: 'a bad retry schedule', body: subscriptionBody(sink, { retry: { schedule: ['1 minute'], jitter: 2 } }), code: 'CEG_ERR_API_BAD_REQUEST', pointers: ['/retry/schedule/0', '/retry/jitter'] },
  ];

  for (const c of cases) {
    it(`refuses ${c.name} with 400, ${c.code} and the pointers`, async () => {
      const p = await post(c.body);
      expect(p.status).to.equal(400);
      expect(p.code, p.detail).to.equal(c.code);
      expect(pointers(p)).to.include.members(c.pointers);
    });
  }

  it('reports problems of different kinds together under the generic code', async () => {
    const p = await post(subscriptionBody('http://10.0.0.1/x', { filters: [{ sql: '(' }], pipeline: [{ use: 'nope-nope' }] }));
    expect(p.code).to.equal('CEG_ERR_API_BAD_REQUEST');
    expect(pointers(p)).to.have.members(['/sink', '/filters/0/sql', '/pipeline/0/use']);
  });

  it('accepts a full, valid subscription', async () => {
    const body = subscriptionBody(sink, {
      protocolsettings: { headers: { 'x-tenant': 'acme' }, method: 'PUT' },
      types: ['user.*', 'order.>'],
      source: 'urn:acme:crm',
      filters: [{ any: [{ prefix: { subject: 'eu/' } }, { sql: "EXISTS region AND region IN ('eu', 'uk')" }] }],
      contentMode: 'structured',
      signing: { scheme: 'timestamped-hmac' },
      orderingKey: 'partitionkey',
      retry: { schedule: [0, '30s', '5m'], jitter: 0.1 },
      rateLimit: { perSecond: 10, burst: 20, maxConcurrency: 2 },
      pipeline: [{ use: 'transform', config: { rename: { userId: 'user_id' } }, timeoutMs: 50 }],
      description: 'CRM sync',
      metadata: { owner: 'crm-team' },
    });
    const res = await api.call('POST', '/v1/subscriptions', { key, body });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const { id, secret, secrets, createdAt, updatedAt, revision, state, ...rest } = res.body;
    expect(rest).to.deep.equal({ ...body, protocol: 'HTTP' });
  });

  it('refuses https-only violations when the gateway delivers over https only', async () => {
    const strict = await startApi({ delivery: { ssrf: { httpsOnly: true } } });
    try {
      const k = await strict.tenant('acme');
      const res = await strict.call('POST', '/v1/subscriptions', { key: k, body: subscriptionBody('http://example.com/x') });
      expect(res.status).to.equal(400);
      expect(res.body.errors[0]).to.deep.include({ pointer: '/sink' });
      expect(res.body.detail).to.include('https only');
    } finally {
      await strict.close();
    }
  });

  it('answers 413 for a huge body, 415 for a wrong content type, 400 for broken JSON', async () => {
    const huge = await post(subscriptionBody(sink, { description: 'x'.repeat(300 * 1024) }));
    expect(huge.status).to.equal(413);
    expect(huge.code).to.equal('CEG_ERR_API_PAYLOAD_TOO_LARGE');
    const text = await post('sink=http://x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(text.status).to.equal(415);
    expect(text.code).to.equal('CEG_ERR_API_UNSUPPORTED_MEDIA_TYPE');
    const broken = await post('{"sink": ', { 'content-type': 'application/json' });
    expect(broken.status).to.equal(400);
    expect(broken.detail).to.include('not valid JSON');
    const array = await post([subscriptionBody(sink)]);
    expect(array.status).to.equal(400);
    const none = await api.call('POST', '/v1/subscriptions', { key });
    expect(none.status).to.equal(400);
  });

  it('refuses a patch with an unknown field or a wrong media type', async () => {
    const { body: sub } = await api.call('POST', '/v1/subscriptions', { key, body: subscriptionBody(sink) });
    const unknown = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: { id: 'mine', state: 'active' } });
    expect(unknown.status).to.equal(400);
    expect(pointers(unknown.body)).to.have.members(['/id', '/state']);
    const text = await api.call('PATCH', `/v1/subscriptions/${sub.id}`, { key, body: 'x', headers: { 'content-type': 'text/plain' } });
    expect(text.status).to.equal(415);
  });
});
