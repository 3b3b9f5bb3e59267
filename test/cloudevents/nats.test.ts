import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { encodeStructured } from '../../src/cloudevents/json.js';
import { decodeNats, encodeNats } from '../../src/cloudevents/nats.js';
import { validateEvent } from '../../src/cloudevents/validator.js';
import { ErrorCodes } from '../../src/errors.js';
import { eventError, minimal, pointers } from './expect.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const event = (fields: Record<string, unknown>): CloudEvent => validateEvent({ ...minimal(), ...fields });
/** NATS message headers as a caller converts them from MsgHdrs. */
const headers = (record: Record<string, string>): Map<string, string[]> =>
  new Map(Object.entries(record).map(([k, v]) => [k, [v]]));

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'A234-1234-1234',
  'ce-source': '/mycontext',
  'ce-type': 'com.example.someevent',
};

describe('cloudevents/nats', () => {
  describe('decodeNats', () => {
    it('reads binary mode with datacontenttype in ce-datacontenttype', () => {
      const e = decodeNats(
        headers({ ...binaryHeaders, 'ce-time': '2018-04-05T03:56:24Z', 'ce-datacontenttype': 'application/json' }),
        bytes('{"a":1}'),
      );
      const expected = { ...minimal(), datacontenttype: 'application/json', time: '2018-04-05T03:56:24Z', data: { a: 1 } };
      expect(e).to.deep.equal(expected);
    });

    it('percent-decodes ce-datacontenttype like any attribute', () => {
      const e = decodeNats(headers({ ...binaryHeaders, 'ce-datacontenttype': 'text/plain;%20charset=utf-8' }), bytes('hi'));
      expect(e).to.include({ datacontenttype: 'text/plain; charset=utf-8', data: 'hi' });
    });

    it('matches header names case-insensitively', () => {
      const mixed = new Map([['CE-SpecVersion', ['1.0']], ['Ce-Id', ['1']], ['CE-SOURCE', ['/s']], ['ce-type', ['t']]]);
      const e = decodeNats(mixed, new Uint8Array());
      expect(e).to.deep.equal({ specversion: '1.0', id: '1', source: '/s', type: 't' });
    });

    it('ignores the content-type header for data in binary mode', () => {
      const e = decodeNats(headers({ ...binaryHeaders, 'Content-Type': 'application/json' }), bytes('{"a":1}'));
      expect(e).to.deep.equal({ ...minimal(), data_base64: 'eyJhIjoxfQ==' });
    });

    it('reads structured mode by content type, in any case', () => {
      const body = encodeStructured(event({ data: { a: 1 } }));
      const types = ['application/cloudevents+json', 'APPLICATION/CLOUDEVENTS+JSON; charset=utf-8', 'application/cloudevents'];
      for (const ct of types) {
        expect(decodeNats(headers({ 'Content-Type': ct, 'ce-id': 'ignored' }), body)).to.deep.equal(event({ data: { a: 1 } }));
      }
    });

    it('reads a message without ce- headers as structured, with or without any headers', () => {
      const e = event({ data: 'x' });
      expect(decodeNats(undefined, encodeStructured(e))).to.deep.equal(e);
      expect(decodeNats(new Map(), encodeStructured(e))).to.deep.equal(e);
      expect(decodeNats(headers({ 'Nats-Msg-Id': 'abc' }), encodeStructured(e))).to.deep.equal(e);
    });

    it('refuses a header-less body that is not a JSON event as MALFORMED', () => {
      const err = eventError(() => decodeNats(undefined, bytes('hello')));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['']);
    });

    it('refuses batch and non-JSON formats as FORMAT_UNSUPPORTED', () => {
      for (const ct of ['application/cloudevents-batch+json', 'application/cloudevents+avro']) {
        const err = eventError(() => decodeNats(headers({ 'content-type': ct }), bytes('[]')));
        expect(err.code).to.equal(ErrorCodes.EVENT_FORMAT_UNSUPPORTED);
        expect(pointers(err)).to.deep.equal(['/content-type']);
      }
    });

    it('refuses repeated attribute headers, also across case', () => {
      const repeated = new Map([...headers(binaryHeaders), ['ce-subject', ['a', 'b']]]);
      const twice = eventError(() => decodeNats(repeated, new Uint8Array()));
      expect(twice.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(twice)).to.deep.equal(['/ce-subject']);
      const cased = eventError(() => decodeNats(new Map([...headers(binaryHeaders), ['CE-ID', ['x']]]), new Uint8Array()));
      expect(pointers(cased)).to.deep.equal(['/ce-id']);
    });

    it('refuses invalid percent-escapes, naming the header', () => {
      const err = eventError(() => decodeNats(headers({ ...binaryHeaders, 'ce-subject': 'bad%zz' }), new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['/ce-subject']);
    });

    it('validates binary events', () => {
      const bad = headers({ ...binaryHeaders, 'ce-specversion': '0.3', 'ce-dataschema': 'rel/path' });
      const err = eventError(() => decodeNats(bad, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(err)).to.have.members(['/specversion', '/dataschema']);
    });

    it('passes size and depth limits on', () => {
      const big = encodeNats(event({ data: 'x'.repeat(500) }), 'binary');
      const tooBig = eventError(() => decodeNats(headers(big.headers), big.data, { maxBytes: 300 }));
      expect(tooBig.code).to.equal(ErrorCodes.EVENT_TOO_LARGE);
      const deep = encodeNats(event({ data: [[[1]]] }), 'binary');
      expect(decodeNats(headers(deep.headers), deep.data, { maxDepth: 4 }).data).to.deep.equal([[[1]]]);
      const tooDeep = eventError(() => decodeNats(headers(deep.headers), deep.data, { maxDepth: 3 }));
      expect(tooDeep.code).to.equal(ErrorCodes.EVENT_MALFORMED);
    });
  });

  describe('encodeNats', () => {
    it('writes binary mode with every attribute, datacontenttype included, as percent-encoded ce- headers', () => {
      const msg = encodeNats(event({ subject: 'Euro € 😀', datacontenttype: 'text/plain; charset=utf-8', data: 'hé' }), 'binary');
      expect(msg.headers).to.deep.equal({
        ...binaryHeaders,
        'ce-subject': 'Euro%20%E2%82%AC%20%F0%9F%98%80',
        'ce-datacontenttype': 'text/plain;%20charset=utf-8',
      });
      expect(new TextDecoder().decode(msg.data)).to.equal('hé');
      expect(msg.headers).to.not.have.property('content-type');
    });

    it('states the implied application/json for JSON data', () => {
      const msg = encodeNats(event({ data: [1, 2] }), 'binary');
      expect(msg.headers['ce-datacontenttype']).to.equal('application/json');
      expect(new TextDecoder().decode(msg.data)).to.equal('[1,2]');
    });

    it('writes structured mode with the JSON format content type', () => {
      const e = event({ myext: 3, data: { a: 1 } });
      const msg = encodeNats(e, 'structured');
      expect(msg.headers).to.deep.equal({ 'content-type': 'application/cloudevents+json' });
      expect(JSON.parse(new TextDecoder().decode(msg.data))).to.deep.equal(e);
    });
  });

  describe('round trips', () => {
    const cases: Record<string, CloudEvent> = {
      'JSON data': event({ datacontenttype: 'application/cloudevents-like+json', data: { nested: { list: [1, 'x'] } } }),
      'text data': event({ datacontenttype: 'text/csv', subject: '"quoted" 100% ü', data: 'a,b\n1,2' }),
      'binary data': event({ datacontenttype: 'image/png', data_base64: 'iVBORw0KGgo=' }),
      'binary data without a content type': event({ data_base64: 'AAE=' }),
      'no data': event({ time: '2018-04-05T03:56:24.123+02:00', flag: 'true' }),
    };
    for (const [name, e] of Object.entries(cases)) {
      for (const mode of ['binary', 'structured'] as const) {
        it(`${name} in ${mode} mode`, () => {
          const msg = encodeNats(e, mode);
          expect(decodeNats(headers(msg.headers), msg.data)).to.deep.equal(e);
        });
      }
    }
  });
});
