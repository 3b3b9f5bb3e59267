import { expect } from 'chai';
import { validateEvent } from '../../src/cloudevents/validator.js';
import { ErrorCodes } from '../../src/errors.js';
import { eventError, minimal, pointers } from './expect.js';

const INVALID = ErrorCodes.EVENT_INVALID;

function rejects(event: unknown, pointer: string, opts = {}): void {
  const err = eventError(() => validateEvent(event, opts));
  expect(err.code).to.equal(INVALID);
  expect(pointers(err)).to.include(pointer);
}

describe('cloudevents/validator', () => {
  it('accepts the spec example and returns it normalized, core attributes first', () => {
    const input = {
      comexampleextension1: 'value',
      data: '<much wow="xml"/>',
      type: 'com.github.pull_request.opened',
      specversion: '1.0',
      source: 'https://github.com/cloudevents/spec/pull',
      subject: '123',
      id: 'A234-1234-1234',
      time: '2018-04-05T17:31:00Z',
      comexampleothervalue: 5,
      datacontenttype: 'text/xml',
    };
    const event = validateEvent(input);
    expect(event).to.deep.equal(input);
    expect(Object.keys(event)).to.deep.equal([
      'specversion', 'id', 'source', 'type', 'datacontenttype', 'subject', 'time',
      'comexampleextension1', 'comexampleothervalue', 'data',
    ]);
    expect(event).to.not.equal(input);
  });

  it('reads null attributes as unset and drops them, but keeps an explicit null data', () => {
    const event = validateEvent({ ...minimal(), subject: null, time: null, myext: null, data: null });
    expect(event).to.deep.equal({ ...minimal(), data: null });
    expect(Object.hasOwn(event, 'subject')).to.equal(false);
  });

  it('lists every violation at once, each with its pointer', () => {
    const err = eventError(() => validateEvent({ specversion: '0.3', source: '', time: 'yesterday', Bad: 1 }));
    expect(err.code).to.equal(INVALID);
    expect(pointers(err)).to.have.members(['/specversion', '/source', '/time', '/Bad', '/id', '/type']);
    expect(err.retryable).to.equal(false);
    expect(err.message).to.contain('/time');
  });

  it('refuses anything but an object', () => {
    for (const input of [null, [], 'event', 42]) rejects(input, '');
  });

  describe('required attributes', () => {
    for (const name of ['specversion', 'id', 'source', 'type']) {
      it(`requires ${name}`, () => {
        const event = minimal();
        delete event[name];
        const err = eventError(() => validateEvent(event));
        expect(err.code).to.equal(INVALID);
        expect(err.violations).to.deep.equal([{ pointer: `/${name}`, message: `${name} is required`, rule: 'required' }]);
      });
      it(`refuses an empty or null ${name}`, () => {
        rejects({ ...minimal(), [name]: '' }, `/${name}`);
        rejects({ ...minimal(), [name]: null }, `/${name}`);
      });
    }
  });

  it('takes specversion "1.0" only', () => {
    rejects({ ...minimal(), specversion: '1.0.3' }, '/specversion');
    rejects({ ...minimal(), specversion: 1 }, '/specversion');
  });

  describe('attribute names', () => {
    it('refuses characters outside a-z and 0-9', () => {
      for (const name of ['myExt', 'my_ext', 'my-ext', 'ümlaut', '__proto__']) {
        rejects(JSON.parse(JSON.stringify({ ...minimal() }).replace('{', `{"${name}":"x",`)), `/${name}`);
      }
    });

    it('refuses an empty name, pointed at as "/"', () => {
      rejects({ ...minimal(), '': 'x' }, '/');
    });

    it('holds names to 20 characters and a leading letter only with strictNames', () => {
      const long = 'a'.repeat(21);
      expect(validateEvent({ ...minimal(), [long]: 'x', '1abc': 'y' })).to.have.property(long, 'x');
      rejects({ ...minimal(), [long]: 'x' }, `/${long}`, { strictNames: true });
      rejects({ ...minimal(), '1abc': 'x' }, '/1abc', { strictNames: true });
      expect(validateEvent({ ...minimal(), ['a'.repeat(20)]: 'x' }, { strictNames: true })).to.be.an('object');
    });
  });

  describe('String', () => {
    it('refuses control characters in both C0 and C1 ranges', () => {
      rejects({ ...minimal(), id: 'a\nb' }, '/id');
      rejects({ ...minimal(), subject: 'a\u0085b' }, '/subject');
      rejects({ ...minimal(), myext: 'tab\there' }, '/myext');
      rejects({ ...minimal(), type: 'del\u007F' }, '/type');
    });

    it('refuses lone surrogates but accepts proper pairs', () => {
      rejects({ ...minimal(), id: 'x\uDEAD' }, '/id');
      rejects({ ...minimal(), id: '\uD800' }, '/id');
      expect(validateEvent({ ...minimal(), id: '\uD800\uDEAD 😀' }).id).to.equal('\uD800\uDEAD 😀');
    });

    it('refuses noncharacters', () => {
      rejects({ ...minimal(), subject: '\uFDD0' }, '/subject');
      rejects({ ...minimal(), subject: '\uFFFE' }, '/subject');
      rejects({ ...minimal(), subject: '\u{10FFFF}' }, '/subject');
    });

    it('refuses other JSON types for string attributes', () => {
      rejects({ ...minimal(), id: 1234 }, '/id');
      rejects({ ...minimal(), subject: true }, '/subject');
    });

    it('names the offending code point', () => {
      const err = eventError(() => validateEvent({ ...minimal(), id: 'a\u0007' }));
      expect(err.violations[0]?.message).to.contain('U+0007').and.contain('index 1');
    });
  });

  describe('source (URI-reference)', () => {
    it('accepts absolute and relative references', () => {
      for (const source of ['https://github.com/cloudevents', 'mailto:cncf-wg-serverless@lists.cncf.io',
        'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66', '/cloudevents/spec/pull/123', '1-555-123-4567']) {
        expect(validateEvent({ ...minimal(), source }).source).to.equal(source);
      }
    });

    it('refuses what is not a URI-reference', () => {
      rejects({ ...minimal(), source: '/my context' }, '/source');
      rejects({ ...minimal(), source: 'http://[::1' }, '/source');
    });
  });

  describe('dataschema (URI)', () => {
    it('takes an absolute URI', () => {
      expect(validateEvent({ ...minimal(), dataschema: 'https://example.com/s.json' })).to.have.property('dataschema');
    });
    it('refuses a relative reference, an empty string and a non-string', () => {
      rejects({ ...minimal(), dataschema: '/schemas/s.json' }, '/dataschema');
      rejects({ ...minimal(), dataschema: '' }, '/dataschema');
      rejects({ ...minimal(), dataschema: 5 }, '/dataschema');
    });
  });

  describe('time (Timestamp)', () => {
    it('accepts RFC 3339 date-times', () => {
      for (const time of ['2018-04-05T17:31:00Z', '2018-04-05t17:31:00.123456+02:00', '2016-12-31T23:59:60Z',
        '2016-12-31T18:59:60-05:00', '2020-02-29T00:00:00Z']) {
        expect(validateEvent({ ...minimal(), time }).time).to.equal(time);
      }
    });

    it('refuses what RFC 3339 does not allow', () => {
      for (const time of ['2018-04-05', '2018-04-05T17:31:00', '2018-04-05 17:31:00Z', '2018-04-05T17:31:00+0100',
        '2018-04-05T17:31Z', '2019-02-29T00:00:00Z', '2018-13-01T00:00:00Z', '2018-04-05T24:00:00Z',
        '2018-04-05T17:31:00.Z', '2018-04-05T12:59:60Z', '2018-04-05T17:31:00+01:60', 'Thu, 05 Apr 2018 17:31:00 GMT']) {
        rejects({ ...minimal(), time }, '/time');
      }
    });
  });

  describe('datacontenttype', () => {
    it('accepts media types with parameters', () => {
      for (const ct of ['application/json', 'text/plain; charset=utf-8', 'application/vnd.apache.thrift.binary',
        'TEXT/Plain;CharSet="utf-8"', 'application/cloudevents+json']) {
        expect(validateEvent({ ...minimal(), datacontenttype: ct }).datacontenttype).to.equal(ct);
      }
    });
    it('refuses what is not a media type', () => {
      for (const ct of ['json', 'application/', 'text/plain; charset', 'text/plain; a="unterminated', 'a b/c']) {
        rejects({ ...minimal(), datacontenttype: ct }, '/datacontenttype');
      }
    });
  });

  describe('extensions', () => {
    it('take String, Integer and Boolean values', () => {
      const event = validateEvent({ ...minimal(), s: 'x', i: -2147483648, j: 2147483647, b: false, e: '' });
      expect(event).to.include({ s: 'x', i: -2147483648, j: 2147483647, b: false, e: '' });
    });

    it('refuse objects, arrays, fractions and numbers outside 32 bits', () => {
      rejects({ ...minimal(), myext: { a: 1 } }, '/myext');
      rejects({ ...minimal(), myext: [1] }, '/myext');
      rejects({ ...minimal(), myext: 1.5 }, '/myext');
      rejects({ ...minimal(), myext: 2147483648 }, '/myext');
      rejects({ ...minimal(), myext: -2147483649 }, '/myext');
    });
  });

  describe('data and data_base64', () => {
    it('keeps any JSON data under a JSON content type or none', () => {
      const data = { a: [1, { b: null }], c: 'text' };
      expect(validateEvent({ ...minimal(), data }).data).to.deep.equal(data);
      expect(validateEvent({ ...minimal(), datacontenttype: 'application/geo+json', data: 1.5 }).data).to.equal(1.5);
    });

    it('accepts padded base64, including empty', () => {
      expect(validateEvent({ ...minimal(), data_base64: 'eyAieHl6IjogMTIzIH0=' }).data_base64).to.equal('eyAieHl6IjogMTIzIH0=');
      expect(validateEvent({ ...minimal(), data_base64: '' }).data_base64).to.equal('');
    });

    it('refuses both members together', () => {
      const err = eventError(() => validateEvent({ ...minimal(), data: 'x', data_base64: 'eA==' }));
      expect(err.code).to.equal(INVALID);
      expect(err.violations.map((v) => [v.pointer, v.rule])).to.deep.equal([['/data_base64', 'exclusive']]);
    });

    it('refuses data_base64 that is not base64', () => {
      for (const b64 of ['eA', 'e===', 'e A=', 'eA==\n', '!!!!', 'eyJ4Ijox-_==']) {
        rejects({ ...minimal(), data_base64: b64 }, '/data_base64');
      }
      rejects({ ...minimal(), data_base64: 12 }, '/data_base64');
    });

    it('treats a null data_base64 as absent', () => {
      expect(validateEvent({ ...minimal(), data: 'x', data_base64: null })).to.not.have.property('data_base64');
    });

    it('refuses non-string data under a non-JSON content type', () => {
      rejects({ ...minimal(), datacontenttype: 'application/xml', data: { a: 1 } }, '/data');
      expect(validateEvent({ ...minimal(), datacontenttype: 'application/xml', data: '<a/>' }).data).to.equal('<a/>');
    });

    it('refuses data that cannot be written as JSON', () => {
      rejects({ ...minimal(), data: { n: 10n } }, '/data');
    });
  });

  describe('size', () => {
    it('measures the UTF-8 size of the JSON encoding against maxBytes', () => {
      const event = { ...minimal(), data: 'é'.repeat(100) };
      const size = Buffer.byteLength(JSON.stringify(event));
      expect(validateEvent(event, { maxBytes: size })).to.be.an('object');
      const err = eventError(() => validateEvent(event, { maxBytes: size - 1 }));
      expect(err.code).to.equal(ErrorCodes.EVENT_TOO_LARGE);
      expect(err.violations).to.have.length(1);
      expect(err.violations[0]?.pointer).to.equal('');
      expect(err.message).to.contain(String(size));
    });

    it('defaults to 256 KiB', () => {
      const base = Buffer.byteLength(JSON.stringify({ ...minimal(), data: '' }));
      expect(validateEvent({ ...minimal(), data: 'x'.repeat(256 * 1024 - base) })).to.be.an('object');
      const err = eventError(() => validateEvent({ ...minimal(), data: 'x'.repeat(256 * 1024 - base + 1) }));
      expect(err.code).to.equal(ErrorCodes.EVENT_TOO_LARGE);
    });

    it('measures the normalized event, without unset attributes', () => {
      const event = { ...minimal(), subject: null };
      const size = Buffer.byteLength(JSON.stringify(minimal()));
      expect(validateEvent(event, { maxBytes: size })).to.deep.equal(minimal());
    });
  });
});
