import { expect } from 'chai';
import { CloudEvent as SdkEvent, HTTP } from 'cloudevents';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import { decodeHttp, encodeHttp } from '../../src/cloudevents/http.js';
import { encodeBatch } from '../../src/cloudevents/json.js';
import { validateEvent } from '../../src/cloudevents/validator.js';
import { ErrorCodes } from '../../src/errors.js';
import { eventError, minimal, pointers } from './expect.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const event = (fields: Record<string, unknown>): CloudEvent => validateEvent({ ...minimal(), ...fields });

const binaryHeaders = {
  'ce-specversion': '1.0',
  'ce-id': 'A234-1234-1234',
  'ce-source': '/mycontext',
  'ce-type': 'com.example.someevent',
};

describe('cloudevents/http', () => {
  describe('decodeHttp', () => {
    it('reads binary mode: ce- headers, content-type as datacontenttype, JSON body as data', () => {
      const { mode, events } = decodeHttp(
        {
          ...binaryHeaders,
          'ce-time': '2018-04-05T17:31:00Z',
          'ce-comexampleothervalue': '5',
          'content-type': 'application/json',
        },
        bytes('{"appinfoA":"abc","appinfoB":123}'),
      );
      expect(mode).to.equal('binary');
      expect(events).to.deep.equal([{
        ...minimal(),
        datacontenttype: 'application/json',
        time: '2018-04-05T17:31:00Z',
        comexampleothervalue: '5',
        data: { appinfoA: 'abc', appinfoB: 123 },
      }]);
    });

    it('matches header names case-insensitively and percent-decodes values', () => {
      const { events } = decodeHttp({ ...binaryHeaders, 'CE-Subject': 'Euro%20%E2%82%AC%20%F0%9F%98%80' }, new Uint8Array());
      expect(events[0]?.subject).to.equal('Euro € 😀');
    });

    it('keeps a +json body as JSON, a JSON string body as the string', () => {
      const geo = decodeHttp({ ...binaryHeaders, 'content-type': 'application/geo+json' }, bytes('{"type":"Point"}'));
      expect(geo.events[0]?.data).to.deep.equal({ type: 'Point' });
      const str = decodeHttp({ ...binaryHeaders, 'content-type': 'application/json' }, bytes('"I\'m just a string"'));
      expect(str.events[0]?.data).to.equal("I'm just a string");
    });

    it('makes a UTF-8 text body a string and any other body data_base64', () => {
      const xml = decodeHttp({ ...binaryHeaders, 'content-type': 'text/xml; charset=utf-8' }, bytes('<much wow="xml"/>'));
      expect(xml.events[0]).to.include({ datacontenttype: 'text/xml; charset=utf-8', data: '<much wow="xml"/>' });
      const thriftHeaders = { ...binaryHeaders, 'content-type': 'application/vnd.apache.thrift.binary' };
      const thrift = decodeHttp(thriftHeaders, new Uint8Array([0, 1, 255]));
      expect(thrift.events[0]).to.include({ data_base64: 'AAH/' }).and.not.have.property('data');
    });

    it('keeps text that is not UTF-8 as data_base64 rather than lose bytes', () => {
      const bad = decodeHttp({ ...binaryHeaders, 'content-type': 'text/plain' }, new Uint8Array([0x61, 0xff]));
      expect(bad.events[0]).to.include({ data_base64: 'Yf8=' });
      const latin1 = decodeHttp({ ...binaryHeaders, 'content-type': 'text/plain; charset=iso-8859-1' }, new Uint8Array([0xe9]));
      expect(latin1.events[0]).to.include({ data_base64: '6Q==' });
    });

    it('assumes nothing without a content type: the body becomes data_base64', () => {
      const { events } = decodeHttp(binaryHeaders, bytes('{ "xyz": 123 }'));
      expect(events[0]).to.deep.equal({ ...minimal(), data_base64: 'eyAieHl6IjogMTIzIH0=' });
    });

    it('reads an empty body as no data', () => {
      const { events } = decodeHttp({ ...binaryHeaders, 'content-type': 'application/json' }, new Uint8Array());
      expect(events[0]).to.not.have.property('data');
    });

    it('refuses a binary JSON body that is not JSON, at /data', () => {
      const err = eventError(() => decodeHttp({ ...binaryHeaders, 'content-type': 'application/json' }, bytes('{nope')));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['/data']);
    });

    it('validates binary events, pointing at attributes', () => {
      const bad = { 'ce-specversion': '1.0', 'ce-id': 'x', 'ce-time': 'soon', 'ce-Bad_Name': 'x' };
      const err = eventError(() => decodeHttp(bad, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(err)).to.have.members(['/time', '/bad_name', '/source', '/type']);
    });

    it('refuses a percent-decoded control character', () => {
      const err = eventError(() => decodeHttp({ ...binaryHeaders, 'ce-subject': 'a%0Ab' }, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
      expect(pointers(err)).to.deep.equal(['/subject']);
    });

    it('refuses invalid percent-escapes, naming the header', () => {
      const err = eventError(() => decodeHttp({ ...binaryHeaders, 'ce-subject': '%C0%A0' }, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['/ce-subject']);
    });

    it('refuses ce-datacontenttype in binary mode', () => {
      const err = eventError(() => decodeHttp({ ...binaryHeaders, 'ce-datacontenttype': 'application/json' }, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['/ce-datacontenttype']);
    });

    it('refuses ce-data and ce-data_base64 headers smuggling data', () => {
      for (const header of ['ce-data', 'ce-data_base64']) {
        const err = eventError(() => decodeHttp({ ...binaryHeaders, [header]: 'x' }, new Uint8Array()));
        expect(err.code).to.equal(ErrorCodes.EVENT_INVALID);
        expect(pointers(err)).to.deep.equal([`/${header}`]);
      }
    });

    it('refuses a repeated attribute header', () => {
      const err = eventError(() => decodeHttp({ ...binaryHeaders, 'ce-subject': ['a', 'b'] }, new Uint8Array()));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(pointers(err)).to.deep.equal(['/ce-subject']);
      const mixedCase = eventError(() => decodeHttp({ ...binaryHeaders, 'CE-ID': 'other' }, new Uint8Array()));
      expect(pointers(mixedCase)).to.deep.equal(['/ce-id']);
    });

    it('reads structured mode whatever the case and parameters of the content type, ignoring ce- headers', () => {
      const body = bytes(JSON.stringify({ ...minimal(), data: { a: 1 } }));
      for (const ct of ['application/cloudevents+json', 'Application/CloudEvents+JSON; charset=UTF-8']) {
        const { mode, events } = decodeHttp({ 'content-type': ct, 'ce-id': 'ignored' }, body);
        expect(mode).to.equal('structured');
        expect(events).to.deep.equal([{ ...minimal(), data: { a: 1 } }]);
      }
    });

    it('reads batch mode', () => {
      const batch = [event({ id: '1' }), event({ id: '2' })];
      const { mode, events } = decodeHttp({ 'content-type': 'application/cloudevents-batch+json' }, encodeBatch(batch));
      expect(mode).to.equal('batch');
      expect(events).to.deep.equal(batch);
    });

    it('refuses other CloudEvents formats and charsets as FORMAT_UNSUPPORTED', () => {
      for (const ct of ['application/cloudevents+xml', 'application/cloudevents+avro', 'application/cloudevents-batch+protobuf',
        'application/cloudevents+json; charset=utf-16']) {
        const err = eventError(() => decodeHttp({ 'content-type': ct }, bytes('{}')));
        expect(err.code, ct).to.equal(ErrorCodes.EVENT_FORMAT_UNSUPPORTED);
        expect(pointers(err)).to.deep.equal(['/content-type']);
      }
    });
  });

  describe('encodeHttp', () => {
    it('writes binary mode with lower-case, percent-encoded ce- headers', () => {
      const e = event({ subject: 'a "quoted" 100%', myext: 5, flag: true, datacontenttype: 'text/plain', data: 'hi' });
      const msg = encodeHttp(e, 'binary');
      expect(msg.headers).to.deep.equal({
        ...binaryHeaders,
        'ce-subject': 'a%20%22quoted%22%20100%25',
        'ce-myext': '5',
        'ce-flag': 'true',
        'content-type': 'text/plain',
      });
      expect(text(msg.body)).to.equal('hi');
    });

    it('serializes JSON data and states the implied application/json', () => {
      const msg = encodeHttp(event({ data: "I'm just a string" }), 'binary');
      expect(msg.headers['content-type']).to.equal('application/json');
      expect(text(msg.body)).to.equal('"I\'m just a string"');
    });

    it('writes data_base64 as raw bytes, with no content type when there is no datacontenttype', () => {
      const msg = encodeHttp(event({ data_base64: 'AAH/' }), 'binary');
      expect([...msg.body]).to.deep.equal([0, 1, 255]);
      expect(msg.headers).to.not.have.property('content-type');
    });

    it('writes an empty body for an event without data', () => {
      const msg = encodeHttp(event({}), 'binary');
      expect(msg.body).to.have.length(0);
      expect(msg.headers).to.deep.equal(binaryHeaders);
    });

    it('writes structured mode as the JSON format', () => {
      const e = event({ data: { a: 1 } });
      const msg = encodeHttp(e, 'structured');
      expect(msg.headers).to.deep.equal({ 'content-type': 'application/cloudevents+json; charset=utf-8' });
      expect(JSON.parse(text(msg.body))).to.deep.equal(e);
    });
  });

  describe('round trips', () => {
    const cases: Record<string, CloudEvent> = {
      'JSON data': event({ datacontenttype: 'application/json', time: '2018-04-05T17:31:00Z', data: { a: [1, 'two', null] } }),
      'text data': event({ datacontenttype: 'text/plain; charset=utf-8', subject: 'Euro € 😀 "q" %', data: 'héllo\nworld' }),
      'binary data': event({ datacontenttype: 'application/octet-stream', data_base64: 'AAECAwQF/w==' }),
      'no data': event({ dataschema: 'https://example.com/schema.json', myext: 'ext value' }),
    };
    for (const [name, e] of Object.entries(cases)) {
      for (const mode of ['binary', 'structured'] as const) {
        it(`${name} in ${mode} mode`, () => {
          const msg = encodeHttp(e, mode);
          const decoded = decodeHttp(msg.headers, msg.body);
          expect(decoded.mode).to.equal(mode);
          expect(decoded.events).to.deep.equal([e]);
        });
      }
    }

    it('carries extension values as their canonical strings in binary mode', () => {
      const msg = encodeHttp(event({ count: 5, flag: false }), 'binary');
      expect(decodeHttp(msg.headers, msg.body).events[0]).to.include({ count: '5', flag: 'false' });
      const structured = encodeHttp(event({ count: 5, flag: false }), 'structured');
      expect(decodeHttp(structured.headers, structured.body).events[0]).to.include({ count: 5, flag: false });
    });

    it('states the implied application/json when JSON data crosses into binary mode', () => {
      const msg = encodeHttp(event({ data: { a: 1 } }), 'binary');
      const explicit = event({ datacontenttype: 'application/json', data: { a: 1 } });
      expect(decodeHttp(msg.headers, msg.body).events[0]).to.deep.equal(explicit);
    });
  });

  describe('interop with the cloudevents SDK', () => {
    // The SDK (v10) does not percent-decode header values, so values here need no escaping.
    const sdkRead = (msg: { headers: Record<string, string>; body: Uint8Array }, body: unknown) => {
      const read = HTTP.toEvent({ headers: msg.headers, body });
      expect(read).to.not.be.an('array');
      return read as unknown as Record<string, unknown>;
    };

    for (const mode of ['binary', 'structured'] as const) {
      it(`the SDK reads JSON data from our ${mode} mode`, () => {
        const e = event({
          datacontenttype: 'application/json',
          time: '2018-04-05T17:31:00.000Z',
          subject: 'x/y',
          myext: 'v',
          data: { a: [1, 2], b: 'c' },
        });
        const read = sdkRead(encodeHttp(e, mode), text(encodeHttp(e, mode).body));
        for (const name of ['specversion', 'id', 'source', 'type', 'datacontenttype', 'time', 'subject', 'myext']) {
          expect(read[name], name).to.equal(e[name]);
        }
        expect(read['data']).to.deep.equal(e.data);
      });
    }

    it('the SDK reads binary data from our binary mode as the same bytes', () => {
      const e = event({ datacontenttype: 'application/octet-stream', data_base64: 'AAECAwQF/w==' });
      const msg = encodeHttp(e, 'binary');
      const read = sdkRead(msg, Buffer.from(msg.body));
      expect(read['datacontenttype']).to.equal('application/octet-stream');
      expect(Buffer.from(read['data'] as Uint8Array).toString('base64')).to.equal('AAECAwQF/w==');
    });

    it('the SDK reads data_base64 from our structured mode as the same bytes', () => {
      const e = event({ datacontenttype: 'application/octet-stream', data_base64: 'AAECAwQF/w==' });
      const msg = encodeHttp(e, 'structured');
      const read = sdkRead(msg, text(msg.body));
      // the SDK hands structured binary data out as a Uint32Array of byte values
      expect(Array.from(read['data'] as ArrayLike<number>)).to.deep.equal([0, 1, 2, 3, 4, 5, 255]);
    });

    it('we read what the SDK writes in both modes', () => {
      const e = event({ datacontenttype: 'application/json', time: '2018-04-05T17:31:00.000Z', myext: 'v', data: { a: 1 } });
      const sdkEvent = new SdkEvent(e);
      for (const msg of [HTTP.binary(sdkEvent), HTTP.structured(sdkEvent)]) {
        const headers = msg.headers as Record<string, string>;
        const decoded = decodeHttp(headers, bytes(msg.body as string));
        expect(decoded.events[0]).to.deep.equal(e);
      }
    });
  });
});
