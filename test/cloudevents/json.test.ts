import { expect } from 'chai';
import { encodeBatch, encodeStructured, parseBatch, parseStructured } from '../../src/cloudevents/json.js';
import { ErrorCodes } from '../../src/errors.js';
import { eventError, minimal, pointers } from './expect.js';

const text = (v: unknown): string => JSON.stringify(v);
const nested = (depth: number): unknown => (depth === 0 ? 1 : { n: nested(depth - 1) });

describe('cloudevents/json', () => {
  describe('parseStructured', () => {
    it('parses bytes and strings into validated events', () => {
      const event = { ...minimal(), datacontenttype: 'application/json', data: { appinfoA: 'abc', appinfoB: 123 } };
      expect(parseStructured(new TextEncoder().encode(text(event)))).to.deep.equal(event);
      expect(parseStructured(text(event))).to.deep.equal(event);
    });

    it('keeps a JSON string data as a string, never parsing it again', () => {
      const event = { ...minimal(), data: '{"looks":"like json"}' };
      expect(parseStructured(text(event)).data).to.equal('{"looks":"like json"}');
    });

    it('keeps string data under a non-JSON content type as the string', () => {
      const event = { ...minimal(), datacontenttype: 'application/xml', data: '<much wow="xml"/>' };
      expect(parseStructured(text(event)).data).to.equal('<much wow="xml"/>');
    });

    it('keeps data_base64 as sent', () => {
      const event = { ...minimal(), datacontenttype: 'application/vnd.apache.thrift.binary', data_base64: 'AAEC/w==' };
      expect(parseStructured(text(event))).to.deep.equal(event);
    });

    it('refuses malformed JSON, non-objects and invalid UTF-8 as MALFORMED', () => {
      for (const body of ['{"id":', '', 'null', '[]', '"event"', '{"a":1}x']) {
        const err = eventError(() => parseStructured(body));
        expect(err.code, body).to.equal(ErrorCodes.EVENT_MALFORMED);
        expect(pointers(err)).to.deep.equal(['']);
      }
      const err = eventError(() => parseStructured(new Uint8Array([0x7b, 0xff, 0x7d])));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(err.message).to.contain('UTF-8');
    });

    it('validates after parsing', () => {
      const err = eventError(() => parseStructured(text({ ...minimal(), time: 'now' })));
      expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(err)).to.deep.equal(['/time']);
    });

    it('passes the size limit on', () => {
      const event = { ...minimal(), data: 'x'.repeat(100) };
      expect(eventError(() => parseStructured(text(event), { maxBytes: 100 })).code).to.equal(ErrorCodes.EVENT_TOO_LARGE);
    });

    it('limits nesting, the event object counting as level 1', () => {
      // event (1) + 63 nested objects = 64 levels
      expect(parseStructured(text({ ...minimal(), data: nested(63) }))).to.be.an('object');
      const err = eventError(() => parseStructured(text({ ...minimal(), data: nested(64) })));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(err.message).to.contain('64');
      expect(eventError(() => parseStructured(text({ ...minimal(), data: nested(3) }), { maxDepth: 3 })).code)
        .to.equal(ErrorCodes.EVENT_MALFORMED);
    });

    it('does not count brackets inside strings as nesting', () => {
      // an escaped quote must not end the string: `\"[[` stays text
      const event = { ...minimal(), data: '"[[[[{{', subject: 'x\\"]]]]' };
      expect(parseStructured(text(event), { maxDepth: 1 })).to.deep.equal(event);
    });

    it('refuses pathological nesting without overflowing the stack', () => {
      const body = `{"specversion":"1.0","data":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      expect(eventError(() => parseStructured(body)).code).to.equal(ErrorCodes.EVENT_MALFORMED);
    });
  });

  describe('parseBatch', () => {
    it('parses every entry, and an empty batch', () => {
      const events = [{ ...minimal(), id: '1' }, { ...minimal(), id: '2', data_base64: 'AA==' }];
      expect(parseBatch(text(events))).to.deep.equal(events);
      expect(parseBatch('[]')).to.deep.equal([]);
    });

    it('names the bad entry by index in every pointer', () => {
      const events = [minimal(), { ...minimal(), id: '' }, minimal(), { ...minimal(), source: 'a b', time: 'x' }, 7];
      const err = eventError(() => parseBatch(text(events)));
      expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(err)).to.deep.equal(['/1/id', '/3/source', '/3/time', '/4']);
      expect(err.message).to.contain('/1/id');
    });

    it('is TOO_LARGE only when size is all that is wrong', () => {
      const big = { ...minimal(), data: 'x'.repeat(200) };
      const onlySize = eventError(() => parseBatch(text([minimal(), big]), { maxBytes: 200 }));
      expect(onlySize.code).to.equal(ErrorCodes.EVENT_TOO_LARGE);
      expect(pointers(onlySize)).to.deep.equal(['/1']);
      const mixed = eventError(() => parseBatch(text([{ ...minimal(), id: 5 }, big]), { maxBytes: 200 }));
      expect(mixed.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(mixed)).to.deep.equal(['/0/id', '/1']);
    });

    it('refuses a body that is not an array as MALFORMED', () => {
      const err = eventError(() => parseBatch(text(minimal())));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
    });

    it('gives each entry the same nesting allowance as a single event', () => {
      expect(parseBatch(text([{ ...minimal(), data: nested(63) }]))).to.have.length(1);
      expect(eventError(() => parseBatch(text([{ ...minimal(), data: nested(64) }]))).code).to.equal(ErrorCodes.EVENT_MALFORMED);
    });
  });

  describe('encode', () => {
    it('writes UTF-8 JSON that parses back to the same event', () => {
      const event = parseStructured(text({ ...minimal(), subject: 'ü€😀', myext: 5, data: { a: [null, true] } }));
      const bytes = encodeStructured(event);
      expect(bytes).to.be.instanceOf(Uint8Array);
      expect(new TextDecoder().decode(bytes)).to.equal(text(event));
      expect(parseStructured(bytes)).to.deep.equal(event);
    });

    it('writes a batch that parses back', () => {
      const events = [parseStructured(text(minimal())), parseStructured(text({ ...minimal(), data_base64: 'AA==' }))];
      expect(parseBatch(encodeBatch(events))).to.deep.equal(events);
    });
  });
});
