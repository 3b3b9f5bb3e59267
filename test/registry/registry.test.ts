import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { ConfigError, ErrorCodes } from '../../src/errors.js';
import { SchemaRegistry, type SchemaRegistryOptions } from '../../src/registry/mod.js';
import { eventError, pointers } from '../cloudevents/expect.js';

const V1 = 'https://cloudevents-gateway.dev/schemas/user/created.v1.json';
const V2 = 'https://cloudevents-gateway.dev/schemas/user/created.v2.json';

const fixture = (name: string): CloudEvent =>
  JSON.parse(readFileSync(`test/fixtures/events/${name}.json`, 'utf8')) as CloudEvent;

const load = (opts: Partial<SchemaRegistryOptions> = {}) => SchemaRegistry.load({ dir: 'schemas', ...opts });

function unknownTyped(type: string, extra: Partial<CloudEvent> = {}): CloudEvent {
  return { specversion: '1.0', id: 'evt-1', source: '/tenants/analytical', type, data: { anything: true }, ...extra };
}

describe('SchemaRegistry.validate', () => {
  let registry: SchemaRegistry;
  before(async () => {
    registry = await load();
  });

  describe('schema selection', () => {
    it('checks against the version named by dataschema', () => {
      const v1 = fixture('user.created.v1.pass');
      expect(v1.dataschema).to.equal(V1);
      expect(() => registry.validate(v1)).not.to.throw();
    });

    it('checks against the latest version when there is no dataschema', () => {
      const { dataschema: _, ...v1data } = fixture('user.created.v1.pass');
      const err = eventError(() => registry.validate(v1data as CloudEvent));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
      expect(err.message).to.include(V2);
      // the breaking change: v2 wants a structured name and the signup method
      expect(pointers(err)).to.have.members(['/data/name', '/data/signupMethod']);
    });

    it('refuses v2 data sent under the v1 dataschema', () => {
      const v2 = { ...fixture('user.created.v2.pass'), dataschema: V1 };
      const err = eventError(() => registry.validate(v2));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
      expect(err.violations).to.deep.equal([{ pointer: '/data/name', message: 'must be string', rule: 'type' }]);
    });

    it('reports an unknown dataschema of a known type as not found, naming it', () => {
      const unknown = 'https://cloudevents-gateway.dev/schemas/user/created.v3.json';
      const err = eventError(() => registry.validate({ ...fixture('user.created.v2.pass'), dataschema: unknown }));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
      expect(err.message).to.include(unknown).and.include(V1).and.include(V2);
      expect(pointers(err)).to.deep.equal(['/dataschema']);
    });

    it('refuses a dataschema that belongs to another type', () => {
      const event = { ...fixture('user.created.v2.pass'), dataschema: fixture('session.revoked.v1.pass').dataschema };
      const err = eventError(() => registry.validate(event));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
      expect(err.message).to.include('"session.revoked"');
      expect(pointers(err)).to.deep.equal(['/dataschema']);
    });
  });

  describe('data encoding', () => {
    it('refuses binary data against a schema', () => {
      const { data: _, ...rest } = fixture('user.created.v2.pass');
      const err = eventError(() => registry.validate({ ...rest, data_base64: 'eyJ1c2VySWQiOiAxfQ==' }));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
      expect(pointers(err)).to.deep.equal(['/data_base64']);
    });

    for (const ct of ['text/plain', 'application/xml', 'not a media type']) {
      it(`refuses datacontenttype ${ct} against a schema`, () => {
        const err = eventError(() => registry.validate({ ...fixture('user.created.v2.pass'), datacontenttype: ct }));
        expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
        expect(pointers(err)).to.deep.equal(['/datacontenttype']);
      });
    }

    for (const ct of ['application/json; charset=utf-8', 'Application/JSON', 'application/vnd.analytical.user+json', 'text/json']) {
      it(`validates data sent as ${ct}`, () => {
        const event = { ...fixture('user.created.v2.pass'), datacontenttype: ct };
        expect(() => registry.validate(event)).not.to.throw();
        const err = eventError(() => registry.validate({ ...event, data: { userId: 'u-1' } }));
        expect(pointers(err)).to.include('/data/userId');
      });
    }

    it('validates data when datacontenttype is absent, as the JSON format implies JSON', () => {
      const { datacontenttype: _, ...event } = fixture('user.created.v2.pass');
      expect(() => registry.validate(event as CloudEvent)).not.to.throw();
    });

    it('refuses an event without data when its type has a schema', () => {
      const { data: _, ...event } = fixture('user.created.v2.pass');
      const err = eventError(() => registry.validate(event as CloudEvent));
      expect(err.violations).to.deep.equal([{ pointer: '/data', message: `is required by ${V2}`, rule: 'required' }]);
    });
  });

  describe('violations', () => {
    it('lists every problem with a pointer into the event and a readable message', () => {
      const event = fixture('user.created.v2.pass');
      const data = event.data as Record<string, unknown>;
      data['email'] = 'grace.hopper';
      data['signupMethod'] = 'carrier-pigeon';
      data['name'] = { family: 'Hopper' };
      data['a/b'] = 1;
      delete data['createdAt'];
      const err = eventError(() => registry.validate(event));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_INVALID);
      expect(err.retryable).to.equal(false);
      expect(err.violations).to.have.deep.members([
        { pointer: '/data/createdAt', message: 'is required', rule: 'required' },
        { pointer: '/data/a~1b', message: 'is not allowed here', rule: 'additionalProperties' },
        { pointer: '/data/email', message: 'must match format "email"', rule: 'format' },
        { pointer: '/data/name/given', message: 'is required', rule: 'required' },
        {
          pointer: '/data/signupMethod',
          message: 'must be one of "password", "sso", "social", "invitation", "api"',
          rule: 'enum',
        },
      ]);
      expect(err.message).to.match(/ \(and 4 more\)$/);
    });

    it('points into arrays and shared definitions', () => {
      const event = fixture('security.breach.attempted.v1.pass');
      const data = event.data as { sources: Array<Record<string, unknown>> };
      const i = data.sources.push({ ip: '203.0.113.9', geo: { country: 'de', latitude: 48.1 } }) - 1;
      const err = eventError(() => registry.validate(event));
      expect(pointers(err)).to.have.members([`/data/sources/${i}/geo/country`, `/data/sources/${i}/geo/longitude`]);
    });

    it('holds timestamps to one RFC 3339 spelling', () => {
      const event = fixture('user.created.v2.pass');
      const data = event.data as Record<string, unknown>;
      data['createdAt'] = '2025-03-14T09:26:53.120+01:00';
      expect(() => registry.validate(event)).not.to.throw();
      for (const bad of ['2025-03-14 09:26:53Z', '2025-03-14T09:26:53', '2025-02-30T09:26:53Z']) {
        data['createdAt'] = bad;
        const err = eventError(() => registry.validate(event));
        expect([...new Set(pointers(err))], bad).to.deep.equal(['/data/createdAt']);
      }
    });

    it('summarizes an enum too long to list', () => {
      const event = fixture('contract.created.v1.pass');
      (event.data as { value: { currency: string } }).value.currency = 'XAU';
      const err = eventError(() => registry.validate(event));
      expect(err.violations).to.have.length(1);
      expect(err.violations[0]?.pointer).to.equal('/data/value/currency');
      expect(err.violations[0]?.message).to.match(/^must be one of the \d+ values the schema allows$/);
    });
  });

  describe('types without schema', () => {
    it('rejects them by default', () => {
      const err = eventError(() => registry.validate(unknownTyped('billing.invoice.paid')));
      expect(err.code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
      expect(err.message).to.equal('no schema for event type "billing.invoice.paid"');
      expect(pointers(err)).to.deep.equal(['/type']);
    });

    it('rejects them with a dataschema the registry does not know either', () => {
      const event = unknownTyped('billing.invoice.paid', { dataschema: 'https://billing.example/invoice.json' });
      expect(eventError(() => registry.validate(event)).code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
    });

    it('accepts them under unknownTypes: accept, whatever their data or dataschema', async () => {
      const open = await load({ unknownTypes: 'accept' });
      expect(() => open.validate(unknownTyped('billing.invoice.paid'))).not.to.throw();
      expect(() =>
        open.validate(unknownTyped('billing.invoice.paid', { dataschema: 'https://billing.example/invoice.json', data_base64: 'AAE=' })),
      ).not.to.throw();
      // known types are still checked
      expect(eventError(() => open.validate(fixture('user.created.v2.fail'))).code).to.equal(ErrorCodes.SCHEMA_INVALID);
    });

    it('applies the first policy whose patterns match, else the global setting', async () => {
      const r = await load({
        unknownTypes: 'reject',
        policies: [
          { types: ['tenant.audit.*'], unknownTypes: 'reject' },
          { types: ['tenant.>', 'partner.*.synced'], unknownTypes: 'accept' },
        ],
      });
      expect(eventError(() => r.validate(unknownTyped('tenant.audit.read'))).code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
      expect(() => r.validate(unknownTyped('tenant.audit.read.bulk'))).not.to.throw();
      expect(() => r.validate(unknownTyped('tenant.invoice.paid'))).not.to.throw();
      expect(() => r.validate(unknownTyped('partner.crm.synced'))).not.to.throw();
      expect(eventError(() => r.validate(unknownTyped('partner.crm.failed'))).code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
      expect(eventError(() => r.validate(unknownTyped('billing.invoice.paid'))).code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
    });

    it('lets a policy reject what the global setting accepts', async () => {
      const r = await load({ unknownTypes: 'accept', policies: [{ types: ['user.>'], unknownTypes: 'reject' }] });
      expect(eventError(() => r.validate(unknownTyped('user.renamed'))).code).to.equal(ErrorCodes.SCHEMA_NOT_FOUND);
      expect(() => r.validate(unknownTyped('billing.invoice.paid'))).not.to.throw();
    });

    it('refuses a policy pattern that cannot be a pattern, before reading any schema', async () => {
      try {
        await SchemaRegistry.load({ dir: '/nonexistent', policies: [{ types: ['tenant.>', 'a..b'], unknownTypes: 'accept' }] });
        expect.fail('load succeeded');
      } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        expect((err as ConfigError).code).to.equal(ErrorCodes.CONFIG_INVALID);
        expect((err as ConfigError).violations.map((v) => v.pointer)).to.deep.equal(['/policies/0/types/1']);
      }
    });
  });
});
