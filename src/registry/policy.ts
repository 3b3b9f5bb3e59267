// What to do with events whose type has no schema. Per type pattern because a gateway often fronts both
// curated families (reject the unknown: a typo'd type is a bug) and free-form ones (accept: tenants' own
// events); the first policy whose patterns match decides, as routes do.
import { checkTypePattern, compileTypePatterns } from '../routing/pattern.js';
import { ConfigError, ErrorCodes, pointer } from '../errors.js';

export type UnknownTypes = 'reject' | 'accept';

export interface UnknownTypePolicy {
  types: string[];
  unknownTypes: UnknownTypes;
}

/** The decision for a type without schema: first matching policy, else `fallback`. */
export function compileUnknownTypePolicies(
  policies: readonly UnknownTypePolicy[],
  fallback: UnknownTypes,
): (type: string) => UnknownTypes {
  const compiled = policies.map((policy, i) => {
    policy.types.forEach((pattern, j) => {
      const problem = checkTypePattern(pattern);
      if (problem) {
        throw new ConfigError(ErrorCodes.CONFIG_INVALID, `schema policy ${i}: "${pattern}": ${problem}`, {
          violations: [{ pointer: pointer('policies', i, 'types', j), message: problem }],
        });
      }
    });
    return { matches: compileTypePatterns(policy.types), decision: policy.unknownTypes };
  });
  return (type) => compiled.find((p) => p.matches(type))?.decision ?? fallback;
}
