import type { PipelineOwner } from './types.js';

/** How errors and logs name a pipeline's owner: `route "audit"`, `subscription 01J… of tenant acme`. */
export function describeOwner(owner: PipelineOwner): string {
  if (owner.kind === 'route') return `route "${owner.id}"`;
  return owner.tenantId === undefined ? `subscription ${owner.id}` : `subscription ${owner.id} of tenant ${owner.tenantId}`;
}
