import { expect } from 'chai';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { subscriptionInput, subscriptionPatch, replayInput, tenantInput, apiKeyInput } from '../../src/api/schemas.js';
import { v1Resources } from '../../src/api/v1.js';
import { startApi, subscriptionBody, type TestApi } from './support.js';

const addFormats = addFormatsModule.default;

describe('api event catalog and OpenAPI document', () => {
  let api: TestApi;
  let key: string;
  before(async () => {
    api = await startApi();
    key = await api.tenant('acme');
  });
  after(() => api.close());

  it('lists event types with their versions and describes one with schema and example', async () => {
    const list = await api.call('GET', '/v1/event-types', { key });
    expect(list.status).to.equal(200);
    expect(list.body.items.map((t: { type: string }) => t.type)).to.deep.equal(api.ctx.schemas.catalog().map((t) => t.type));
    const user = list.body.items.find((t: { type: string }) => t.type === 'user.created');
    expect(user.versions.map((v: { version: number }) => v.version)).to.deep.equal([1, 2]);
    expect(user.versions[0]).not.to.have.property('schema');

    const one = await api.call('GET', '/v1/event-types/user.created', { key });
    expect(one.status).to.equal(200);
    expect(one.body).to.deep.equal(JSON.parse(JSON.stringify(api.ctx.schemas.describe('user.created'))));
    expect(() => api.ctx.schemas.validate(one.body.versions[1].example)).not.to.throw();
    expect((await api.call('GET', '/v1/event-types/no.such.type', { key })).status).to.equal(404);
    expect((await api.call('GET', '/v1/event-types')).status).to.equal(401);
  });

  it('publishes an OpenAPI 3.1 document without a key, covering every mounted operation', async () => {
    const res = await api.call('GET', '/v1/openapi.json');
    expect(res.status).to.equal(200);
    const doc = res.body;
    expect(doc.openapi).to.match(/^3\.1\.\d+$/);
    expect(doc.info).to.include.keys('title', 'version');
    expect(doc.components.securitySchemes.apiKey).to.deep.equal({ type: 'http', scheme: 'bearer', description: doc.components.securitySchemes.apiKey.description });
    for (const resource of v1Resources(api.ctx)) {
      const item = doc.paths[resource.path];
      expect(item, resource.path).to.be.an('object');
      for (const method of Object.keys(resource.operations)) {
        const operation = item[method.toLowerCase()];
        expect(operation, `${method} ${resource.path}`).to.include.keys('summary', 'responses');
        expect(Object.keys(operation.responses)).to.include('default');
      }
      for (const name of resource.path.match(/\{\w+\}/g) ?? []) {
        expect(item.parameters.map((p: { name: string }) => `{${p.name}}`)).to.include(name);
      }
    }
    expect(doc.paths['/v1/subscriptions'].get.parameters.map((p: { name: string }) => p.name)).to.have.members(['limit', 'cursor', 'type', 'state']);
    // every $ref resolves and every component schema compiles as JSON Schema 2020-12
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    for (const name of refs) expect(doc.components.schemas, name).to.have.property(name);
    const ajv = addFormats(new Ajv2020({ strict: false }));
    ajv.addSchema(doc.components.schemas.Filters);
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      if (name !== 'Filters') expect(() => ajv.compile(schema as object), name).not.to.throw();
    }
  });

  it('documents exactly the schemas the requests are validated against', async () => {
    const { body: doc } = await api.call('GET', '/v1/openapi.json');
    const body = (path: string, method: string, type = 'application/json') =>
      doc.paths[path][method].requestBody.content[type].schema.$ref.replace('#/components/schemas/', '');
    expect(body('/v1/subscriptions', 'post')).to.equal(subscriptionInput.name);
    expect(body('/v1/subscriptions/{id}', 'patch', 'application/merge-patch+json')).to.equal(subscriptionPatch.name);
    expect(body('/v1/subscriptions/{id}/replay', 'post')).to.equal(replayInput.name);
    expect(body('/v1/tenants', 'post')).to.equal(tenantInput.name);
    expect(body('/v1/tenants/{id}/keys', 'post')).to.equal(apiKeyInput.name);
    for (const s of [subscriptionInput, subscriptionPatch, replayInput, tenantInput, apiKeyInput]) {
      expect(doc.components.schemas[s.name]).to.deep.equal(JSON.parse(JSON.stringify(s.json)));
    }
    // and the published schema judges a body as the API does
    const ajv = addFormats(new Ajv2020({ strict: false }));
    ajv.addSchema(doc.components.schemas.Filters);
    const validate = ajv.compile(doc.components.schemas.SubscriptionInput);
    for (const candidate of [subscriptionBody('http://127.0.0.1:9/x'), subscriptionBody('http://127.0.0.1:9/x', { colour: 'red' }), { types: ['a'] }]) {
      const res = await api.call('POST', '/v1/subscriptions', { key, body: candidate });
      expect(validate(candidate), JSON.stringify(candidate)).to.equal(res.status === 201);
    }
  });
});
