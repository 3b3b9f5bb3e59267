// The tenant API under /v1: subscriptions, deliveries, the event catalog, tenants and keys (admin), and
// the OpenAPI document describing all of them. Mounted by the gateway next to /v1/events.
import { Router } from 'express';
import type { ApiContext } from './context.js';
import { deliveryResources } from './deliveries.js';
import { eventTypeResources } from './event-types.js';
import { openApiResource } from './openapi.js';
import { mountResources, type Resource } from './resource.js';
import { subscriptionResources } from './subscriptions.js';
import { tenantResources } from './tenants.js';

export function v1Resources(ctx: ApiContext): Resource[] {
  const resources: Resource[] = [
    ...subscriptionResources(ctx),
    ...deliveryResources(ctx),
    ...eventTypeResources(ctx),
    ...tenantResources(ctx),
  ];
  resources.push(openApiResource(() => resources));
  return resources;
}

export function v1Router(ctx: ApiContext): Router {
  return mountResources(Router(), ctx, v1Resources(ctx));
}
