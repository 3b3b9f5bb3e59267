// JSON pointers (RFC 6901) into events and their data: parse once at setup, then read and write
// copy-on-write, so a plugin's output shares every untouched branch with its (frozen) input.
// Hand-written because no installed library offers immutable updates, and the whole thing is small.

/** Pointer tokens, unescaped. Throws on a pointer that does not start with `/` (the empty pointer is the root). */
export function parsePointer(ptr: string): string[] {
  if (ptr === '') return [];
  if (!ptr.startsWith('/')) throw new Error(`"${ptr}" is not a JSON pointer (it must start with "/")`);
  return ptr
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);
}

/** The array index a token names, or undefined when it names none (RFC 6901: no leading zeros). */
function arrayIndex(arr: readonly unknown[], token: string, allowEnd = false): number | undefined {
  if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
  const i = Number(token);
  return i < arr.length || (allowEnd && i === arr.length) ? i : undefined;
}

function child(node: Container, token: string): unknown {
  if (Array.isArray(node)) {
    const i = arrayIndex(node, token);
    return i === undefined ? undefined : node[i];
  }
  return Object.hasOwn(node, token) ? node[token] : undefined;
}

/** The value at `tokens`, or undefined when any step of the path is missing. */
export function getAt(root: unknown, tokens: readonly string[]): unknown {
  let node = root;
  for (const token of tokens) {
    if (!isContainer(node)) return undefined;
    node = child(node, token);
  }
  return node;
}

/** True when the path exists (its value may be null). */
export function hasAt(root: unknown, tokens: readonly string[]): boolean {
  let node = root;
  for (const token of tokens) {
    if (!isContainer(node)) return false;
    if (Array.isArray(node) ? arrayIndex(node, token) === undefined : !Object.hasOwn(node, token)) return false;
    node = child(node, token);
  }
  return true;
}

/**
 * A copy of `root` with `value` at `tokens`; missing objects on the way are created, `-` appends to an
 * array. Throws when the path runs through a scalar or names an array slot that cannot exist.
 */
export function setAt(root: unknown, tokens: readonly string[], value: unknown): unknown {
  if (tokens.length === 0) return value;
  const [token, ...rest] = tokens as [string, ...string[]];
  const node = root === undefined ? {} : root;
  if (!isContainer(node)) throw new Error(`cannot set "${token}" inside a ${typeof node}`);
  if (Array.isArray(node)) {
    const i = token === '-' ? node.length : arrayIndex(node, token, true);
    if (i === undefined) throw new Error(`"${token}" is not an index of an array of length ${node.length}`);
    const copy = [...node];
    copy[i] = setAt(node[i], rest, value);
    return copy;
  }
  return { ...node, [token]: setAt(child(node, token), rest, value) };
}

/** A copy of `root` without the value at `tokens` (array items are spliced out); `root` itself when the path is missing. */
export function removeAt(root: unknown, tokens: readonly string[]): unknown {
  if (tokens.length === 0 || !hasAt(root, tokens)) return root;
  const [token, ...rest] = tokens as [string, ...string[]];
  const node = root as Container;
  if (Array.isArray(node)) {
    const i = arrayIndex(node, token) as number;
    const copy = [...node];
    if (rest.length === 0) copy.splice(i, 1);
    else copy[i] = removeAt(node[i], rest);
    return copy;
  }
  if (rest.length > 0) return { ...node, [token]: removeAt(node[token], rest) };
  const { [token]: _removed, ...others } = node;
  return others;
}
