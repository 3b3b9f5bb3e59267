import { expect } from 'chai';
import { ADMIN_KEY, startApi, type TestApi } from './support.js';

describe('api authentication and tenants', () => {
  let api: TestApi;
  before(async () => {
    api = await startApi();
  });
  after(() => api.close());

  const expect401 = async (headers: Record<string, string>) => {
    const res = await api.call('GET', '/v1/subscriptions', { headers });
    expect(res.status).to.equal(401);
    expect(res.headers.get('www-authenticate')).to.equal('Bearer');
    expect(res.body.code).to.equal('CEG_ERR_API_UNAUTHORIZED');
    return res;
  };

  it('refuses missing, malformed and unknown keys with 401 and WWW-Authenticate', async () => {
    await expect401({});
    await expect401({ authorization: 'Basic dXNlcjpwYXNz' });
    await expect401({ authorization: 'Bearer' });
    await expect401({ authorization: 'Bearer not-a-key' });
    await expect401({ authorization: 'Bearer ceg_abcdefgh_unknownsecretunknownsecret' });
  });

  it('creates tenants and keys with the admin key; a key is shown once and works at once', async () => {
    const t = await api.call('POST', '/v1/tenants', { key: ADMIN_KEY, body: { id: 'globex', name: 'Globex' } });
    expect(t.status).to.equal(201);
    expect(t.headers.get('location')).to.equal('/v1/tenants/globex');
    expect(t.body).to.include({ id: 'globex', name: 'Globex' });
    const dup = await api.call('POST', '/v1/tenants', { key: ADMIN_KEY, body: { id: 'globex', name: 'again' } });
    expect(dup.status).to.equal(409);

    const k = await api.call('POST', '/v1/tenants/globex/keys', { key: ADMIN_KEY, body: { name: 'ci' } });
    expect(k.status).to.equal(201);
    expect(k.body.key).to.match(/^ceg_[A-Za-z0-9]{8}_/);
    expect(k.body.key.startsWith(k.body.prefix + '_')).to.equal(true);
    expect(k.body).not.to.have.property('hash');

    const listed = await api.call('GET', '/v1/tenants/globex/keys', { key: ADMIN_KEY });
    expect(listed.body.items).to.have.length(1);
    expect(listed.body.items[0]).to.include({ id: k.body.id, prefix: k.body.prefix, name: 'ci' });
    expect(listed.body.items[0]).not.to.have.any.keys('key', 'hash');

    const mine = await api.call('GET', '/v1/subscriptions', { key: k.body.key });
    expect(mine.status).to.equal(200);
    expect(mine.body.items).to.deep.equal([]);
    const row = await api.ctx.store.apiKeys.findActiveByPrefix(k.body.prefix);
    expect(row?.lastUsedAt).to.be.instanceOf(Date);
  });

  it('refuses a revoked key and a tampered key with the right prefix', async () => {
    await api.call('POST', '/v1/tenants', { key: ADMIN_KEY, body: { id: 'initech', name: 'Initech' } });
    const k = await api.call('POST', '/v1/tenants/initech/keys', { key: ADMIN_KEY, body: { name: 'old' } });
    expect((await api.call('GET', '/v1/subscriptions', { key: k.body.key })).status).to.equal(200);
    await expect401({ authorization: `Bearer ${k.body.key.slice(0, -2)}xx` });
    expect((await api.call('DELETE', `/v1/tenants/initech/keys/${k.body.id}`, { key: ADMIN_KEY })).status).to.equal(204);
    await expect401({ authorization: `Bearer ${k.body.key}` });
    expect((await api.call('DELETE', `/v1/tenants/initech/keys/${k.body.id}`, { key: ADMIN_KEY })).status).to.equal(404);
    const listed = await api.call('GET', '/v1/tenants/initech/keys', { key: ADMIN_KEY });
    expect(listed.body.items[0].revokedAt).to.be.a('string');
  });

  it('keeps admin routes from tenant keys (403) and tenant routes from the admin key (403)', async () => {
    const key = await api.tenant('acme');
    const adminRoutes: Array<[string, string, unknown?]> = [
      ['GET', '/v1/tenants'],
      ['POST', '/v1/tenants', { name: 'x' }],
      ['GET', '/v1/tenants/acme/keys'],
      ['POST', '/v1/tenants/acme/keys', { name: 'x' }],
      ['DELETE', '/v1/tenants/acme/keys/x'],
    ];
    for (const [method, path, body] of adminRoutes) {
      const res = await api.call(method, path, { key, body });
      expect(res.status, `${method} ${path}`).to.equal(403);
      expect(res.body.code).to.equal('CEG_ERR_API_FORBIDDEN');
    }
    const res = await api.call('GET', '/v1/subscriptions', { key: ADMIN_KEY });
    expect(res.status).to.equal(403);
    // the catalog is readable with either
    expect((await api.call('GET', '/v1/event-types', { key: ADMIN_KEY })).status).to.equal(200);
  });

  it('answers 404 for keys of an unknown tenant and pages the tenant list', async () => {
    expect((await api.call('POST', '/v1/tenants/nobody/keys', { key: ADMIN_KEY, body: { name: 'x' } })).status).to.equal(404);
    const all: string[] = [];
    let cursor = '';
    for (;;) {
      const res = await api.call('GET', `/v1/tenants?limit=1${cursor}`, { key: ADMIN_KEY });
      all.push(...res.body.items.map((t: { id: string }) => t.id));
      if (!res.body.nextCursor) break;
      cursor = `&cursor=${res.body.nextCursor}`;
    }
    expect(all).to.include.members(['globex', 'initech', 'acme']);
    expect(new Set(all).size).to.equal(all.length);
  });

  it('has no admin at all when no admin key is configured', async () => {
    const bare = await startApi();
    try {
      delete bare.ctx.adminKeyHash;
      const res = await bare.call('GET', '/v1/tenants', { key: ADMIN_KEY });
      expect(res.status).to.equal(401);
    } finally {
      await bare.close();
    }
  });
});
