import { expect } from 'chai';
import { isJsonMediaType, isUtf8, parseMediaType } from '../../src/cloudevents/mediatype.js';

describe('cloudevents/mediatype', () => {
  it('parses type, subtype and parameters case-insensitively, unquoting values', () => {
    expect(parseMediaType('Text/Plain; CharSet=UTF-8; name="a \\"b\\";c"')).to.deep.equal({
      type: 'text',
      subtype: 'plain',
      params: { charset: 'UTF-8', name: 'a "b";c' },
    });
  });

  it('allows empty parameters and whitespace around semicolons', () => {
    expect(parseMediaType('text/plain;')?.params).to.deep.equal({});
    expect(parseMediaType('text/plain ;\tcharset=utf-8')?.params).to.deep.equal({ charset: 'utf-8' });
  });

  it('refuses what the grammar does not allow', () => {
    for (const bad of ['', 'text', 'text/', '/plain', 'text/plain; charset', 'text/plain; =x', 'te xt/plain', ' text/plain',
      'text/plain; a="b', 'text/plain/x']) {
      expect(parseMediaType(bad), bad).to.equal(null);
    }
  });

  it('knows JSON media types by subtype json or suffix +json', () => {
    const json = (v: string): boolean => isJsonMediaType(parseMediaType(v)!);
    expect(json('application/json')).to.equal(true);
    expect(json('text/json')).to.equal(true);
    expect(json('application/cloudevents+JSON; charset=utf-8')).to.equal(true);
    expect(json('application/jsonl')).to.equal(false);
    expect(json('application/json-seq')).to.equal(false);
    expect(json('text/plain')).to.equal(false);
  });

  it('reads a missing charset as UTF-8', () => {
    expect(isUtf8(parseMediaType('text/plain')!)).to.equal(true);
    expect(isUtf8(parseMediaType('text/plain; charset="UTF-8"')!)).to.equal(true);
    expect(isUtf8(parseMediaType('text/plain; charset=iso-8859-1')!)).to.equal(false);
  });
});
