import { expect } from 'chai';
import { percentDecode, percentEncode } from '../../src/cloudevents/percent.js';
import { ErrorCodes } from '../../src/errors.js';
import { eventError } from './expect.js';

describe('cloudevents/percent', () => {
  it('encodes the spec example', () => {
    expect(percentEncode('Euro \u20AC \u{1F600}')).to.equal('Euro%20%E2%82%AC%20%F0%9F%98%80');
  });

  it('escapes space, double quote and percent, and leaves other printable ASCII alone', () => {
    expect(percentEncode('a "b" 100%')).to.equal('a%20%22b%22%20100%25');
    const printable = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
      .filter((c) => c !== '"' && c !== '%')
      .join('');
    expect(percentEncode(printable)).to.equal(printable);
  });

  it('escapes control characters and DEL with upper-case hex', () => {
    expect(percentEncode('\n\t\u007F\u0085')).to.equal('%0A%09%7F%C2%85');
  });

  it('treats a surrogate pair as one character and refuses a lone surrogate', () => {
    expect(percentEncode('\uD83D\uDE00')).to.equal('%F0%9F%98%80');
    expect(eventError(() => percentEncode('a\uD83D')).code).to.equal(ErrorCodes.EVENT_INVALID);
  });

  it('round-trips any well-formed string', () => {
    for (const value of ['', 'plain', ' leading and trailing ', '%25 is not decoded twice', 'ü€😀"\\', 'a\u0000b']) {
      expect(percentDecode(percentEncode(value), 'ce-x')).to.equal(value);
    }
  });

  it('decodes lower-case escapes and unnecessary escapes', () => {
    expect(percentDecode('%e2%82%ac', 'ce-x')).to.equal('€');
    expect(percentDecode('%41%42c', 'ce-x')).to.equal('ABc');
  });

  it('decodes exactly one round', () => {
    expect(percentDecode('%2541', 'ce-x')).to.equal('%41');
  });

  it('unescapes quoted strings first, backslash escapes included', () => {
    expect(percentDecode('"hello world"', 'ce-x')).to.equal('hello world');
    expect(percentDecode('"say \\"hi\\""', 'ce-x')).to.equal('say "hi"');
    expect(percentDecode('a"b c"d', 'ce-x')).to.equal('ab cd');
    expect(percentDecode('"%20"', 'ce-x')).to.equal(' ');
  });

  it('refuses invalid escapes and invalid UTF-8, naming the header', () => {
    for (const bad of ['%', '%4', '%G1', 'abc%zz', '%C0%A0', '%ED%A0%80', '%E2%82', '%FF', '%F4%90%80%80']) {
      const err = eventError(() => percentDecode(bad, 'ce-subject'));
      expect(err.code, bad).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(err.violations[0]?.pointer).to.equal('/ce-subject');
      expect(err.message).to.contain('ce-subject');
    }
  });

  it('refuses an unterminated quoted string', () => {
    for (const bad of ['"abc', 'x"abc\\"', '"abc\\']) {
      const err = eventError(() => percentDecode(bad, 'ce-id'));
      expect(err.code).to.equal(ErrorCodes.EVENT_MALFORMED);
      expect(err.violations[0]?.pointer).to.equal('/ce-id');
    }
  });
});
