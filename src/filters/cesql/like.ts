// LIKE patterns: `%` matches any run of characters, `_` exactly one, `\%`, `\_` and `\\` the character
// itself; every other character (a lone backslash included) matches itself, case-sensitively.
//
// Hand-written instead of translated to a RegExp: tenants write these patterns, and a backtracking
// regex for `%a%a%a…b` takes time exponential in the number of `%`. Placing each `%`-separated
// segment at its leftmost fit is enough (a later fit never helps the segments after it), so a match
// costs at most text length × pattern length character comparisons.

/** One `%`-free stretch of the pattern; `null` stands for `_`. */
type Segment = ReadonlyArray<string | null>;

export type LikeMatcher = (value: string) => boolean;

export function compileLike(pattern: string): LikeMatcher {
  const segments: Array<Array<string | null>> = [[]];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    const current = segments[segments.length - 1]!;
    const next = chars[i + 1];
    if (ch === '\\' && (next === '%' || next === '_' || next === '\\')) {
      current.push(next);
      i++;
    } else if (ch === '%') {
      segments.push([]);
    } else {
      current.push(ch === '_' ? null : ch);
    }
  }
  const first: Segment = segments[0]!;
  const rest: Segment[] = segments.slice(1);
  if (rest.length === 0) return (value) => matchesExactly(Array.from(value), first);
  const last = rest.pop()!;
  return (value) => {
    const text = Array.from(value);
    const tail = text.length - last.length;
    if (tail < first.length || !matchesAt(text, 0, first) || !matchesAt(text, tail, last)) return false;
    let pos = first.length;
    for (const segment of rest) {
      const found = indexOfSegment(text, segment, pos, tail);
      if (found < 0) return false;
      pos = found + segment.length;
    }
    return true;
  };
}

function matchesExactly(text: readonly string[], segment: Segment): boolean {
  return text.length === segment.length && matchesAt(text, 0, segment);
}

function matchesAt(text: readonly string[], at: number, segment: Segment): boolean {
  for (let i = 0; i < segment.length; i++) {
    const want = segment[i];
    if (want !== null && want !== text[at + i]) return false;
  }
  return true;
}

/** Leftmost position in [from, limit - segment.length] where the segment matches, or -1. */
function indexOfSegment(text: readonly string[], segment: Segment, from: number, limit: number): number {
  for (let at = from; at + segment.length <= limit; at++) {
    if (matchesAt(text, at, segment)) return at;
  }
  return -1;
}
