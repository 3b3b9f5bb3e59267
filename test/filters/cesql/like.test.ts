import { expect } from 'chai';
import { compileLike } from '../../../src/filters/cesql/like.js';

describe('cesql LIKE matcher', () => {
  const cases: Array<[pattern: string, value: string, expected: boolean]> = [
    ['', '', true],
    ['', 'a', false],
    ['%', '', true],
    ['%%', 'anything', true],
    ['a%', 'a', true],
    ['%a', 'ba', true],
    ['a%a', 'a', false],
    ['a%a', 'aa', true],
    ['_', '\u{1F600}', true],
    ['__', '\u{1F600}', false],
    ['%b%b%', 'abab', true],
    ['%ab%ba%', 'aba', false],
    ['a\\%', 'a%', true],
    ['a\\%', 'ab', false],
    ['a\\_', 'ab', false],
    ['a\\\\%', 'a\\xyz', true],
    ['a\\b', 'a\\b', true],
    ['A%', 'abc', false],
    ['%\n', 'x\n', true],
  ];
  for (const [pattern, value, expected] of cases) {
    it(`${JSON.stringify(value)} LIKE ${JSON.stringify(pattern)} is ${expected}`, () => {
      expect(compileLike(pattern)(value)).to.equal(expected);
    });
  }

  it('agrees with a plain backtracking reference on many wildcard patterns', () => {
    // reference: direct recursive definition over code points
    const ref = (p: string[], v: string[]): boolean => {
      if (p.length === 0) return v.length === 0;
      const [h, ...t] = p;
      if (h === '%') return ref(t, v) || (v.length > 0 && ref(p, v.slice(1)));
      return v.length > 0 && (h === '_' || h === v[0]) && ref(t, v.slice(1));
    };
    const alphabet = ['a', 'b', '%', '_'];
    let checked = 0;
    for (let n = 0; n < 4 ** 5; n++) {
      const pattern = Array.from({ length: 5 }, (_, i) => alphabet[Math.floor(n / 4 ** i) % 4]!).join('');
      for (const value of ['', 'a', 'ab', 'ba', 'aab', 'abab', 'bbbaa']) {
        expect(compileLike(pattern)(value), `${value} LIKE ${pattern}`).to.equal(ref([...pattern], [...value]));
        checked++;
      }
    }
    expect(checked).to.equal(4 ** 5 * 7);
  });

  it('stays quick on patterns that make backtracking regexes explode', () => {
    const matches = compileLike('%a%a%a%a%a%a%a%a%a%a%a%a%b');
    expect(matches('a'.repeat(5000))).to.equal(false);
    expect(matches('a'.repeat(5000) + 'b')).to.equal(true);
  });
});
