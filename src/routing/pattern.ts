// Event type patterns, with NATS subject semantics over dot-separated segments: `*` matches exactly one
// segment, a final `>` matches one or more. A pattern that is just `*` or `>` matches every type (what
// operators write for "everything"). Compiled once into a predicate.

export type TypePredicate = (type: string) => boolean;

/** A pattern without wildcards matches exactly one type: itself. */
export function isLiteralType(pattern: string): boolean {
  return !pattern.split('.').some((s) => s === '*' || s === '>');
}

export function compileTypePattern(pattern: string): TypePredicate {
  if (pattern === '*' || pattern === '>') return () => true;
  if (isLiteralType(pattern)) return (type) => type === pattern;
  const parts = pattern.split('.');
  const tail = parts[parts.length - 1] === '>';
  const head = tail ? parts.slice(0, -1) : parts;
  return (type) => {
    const segs = type.split('.');
    if (tail ? segs.length <= head.length : segs.length !== head.length) return false;
    for (let i = 0; i < head.length; i++) {
      if (head[i] !== '*' && head[i] !== segs[i]) return false;
    }
    return true;
  };
}

/** A predicate true when any of the patterns matches. */
export function compileTypePatterns(patterns: readonly string[]): TypePredicate {
  const preds = patterns.map(compileTypePattern);
  return (type) => preds.some((p) => p(type));
}

/** Rejects what cannot be a pattern: empty segments, and `>` anywhere but last. Returns a message or null. */
export function checkTypePattern(pattern: string): string | null {
  const parts = pattern.split('.');
  if (parts.some((p) => p === '')) return 'a type pattern has no empty segments (no leading, trailing or double dots)';
  if (parts.slice(0, -1).includes('>')) return '`>` may only be the last segment of a type pattern';
  return null;
}
