import { expect } from 'chai';
import { getAt, hasAt, parsePointer, removeAt, setAt } from '../../src/pipeline/mod.js';

describe('JSON pointers', () => {
  const doc = Object.freeze({ a: Object.freeze({ 'b/c': 1, 'd~e': [10, 20] }), n: null });

  it('parses with RFC 6901 escapes and refuses relative pointers', () => {
    expect(parsePointer('')).to.deep.equal([]);
    expect(parsePointer('/a/b~1c/d~0e')).to.deep.equal(['a', 'b/c', 'd~e']);
    expect(() => parsePointer('a/b')).to.throw(/must start with/);
  });

  it('reads values, telling null from missing, without leading-zero or out-of-range indexes', () => {
    expect(getAt(doc, parsePointer('/a/b~1c'))).to.equal(1);
    expect(getAt(doc, parsePointer('/a/d~0e/1'))).to.equal(20);
    expect(getAt(doc, parsePointer('/a/d~0e/01'))).to.equal(undefined);
    expect(getAt(doc, parsePointer('/a/d~0e/2'))).to.equal(undefined);
    expect(hasAt(doc, parsePointer('/n'))).to.equal(true);
    expect(hasAt(doc, parsePointer('/n/x'))).to.equal(false);
    expect(getAt(doc, parsePointer('/toString'))).to.equal(undefined);
  });

  it('writes copy-on-write, creating objects and appending with -', () => {
    const out = setAt(doc, parsePointer('/a/d~0e/-'), 30) as typeof doc;
    expect(out.a['d~e']).to.deep.equal([10, 20, 30]);
    expect(doc.a['d~e']).to.deep.equal([10, 20]);
    expect(setAt(doc, parsePointer('/x/y'), true)).to.deep.include({ x: { y: true } });
    expect(() => setAt(doc, parsePointer('/a/b~1c/z'), 1)).to.throw(/inside a number/);
    expect(() => setAt(doc, parsePointer('/a/d~0e/5'), 1)).to.throw(/not an index/);
  });

  it('removes keys and splices array items, returning the same document when nothing is there', () => {
    expect(removeAt(doc, parsePointer('/a/d~0e/0'))).to.deep.equal({ a: { 'b/c': 1, 'd~e': [20] }, n: null });
    expect(removeAt(doc, parsePointer('/n'))).to.deep.equal({ a: doc.a });
    expect(removeAt(doc, parsePointer('/nope/deeper'))).to.equal(doc);
  });
});
