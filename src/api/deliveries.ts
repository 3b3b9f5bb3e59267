// The delivery log as tenants see it: deliveries of a subscription, one delivery with its attempts, a
// manual redelivery, success and latency over a window, and replays of the ingest stream.
import { toMs } from '../config/duration.js';
import { ApiError, ErrorCodes } from '../errors.js';
import type { ApiContext, ReplayRequest } from './context.js';
import { sendPage, toPageQuery } from './paging.js';
import { op, type Resource } from './resource.js';
import { deliveryQuery, replayInput, statsQuery, type ReplayInput } from './schemas.js';
import { ownedSubscription } from './subscriptions.js';

const DEFAULT_STATS_WINDOW = '1h';

function replayRequest(input: ReplayInput): ReplayRequest {
  if ('startSeq' in input) return { startSeq: input.startSeq };
  const from = new Date(input.from);
  const to = input.to === undefined ? undefined : new Date(input.to);
  if (to !== undefined && to <= from) {
    throw new ApiError(400, ErrorCodes.API_BAD_REQUEST, 'the replay window ends before it starts', {
      violations: [{ pointer: '/to', message: 'must be after `from`', rule: 'window' }],
    });
  }
  return to === undefined ? { from } : { from, to };
}

export function deliveryResources(ctx: ApiContext): Resource[] {
  const ownedDelivery = async (tenantId: string, id: string) => {
    const delivery = await ctx.store.deliveries.get(tenantId, id);
    if (!delivery) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no delivery ${id}`);
    return delivery;
  };
  const deliveryLocation = (id: string) => `/v1/deliveries/${encodeURIComponent(id)}`;

  return [
    {
      path: '/v1/subscriptions/{id}/deliveries',
      operations: {
        GET: op({
          summary: "list a subscription's deliveries, newest first",
          access: 'tenant',
          query: deliveryQuery,
          responses: { 200: 'a page of deliveries' },
          async handle(call) {
            const sub = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            const { state, from, to, ...params } = call.query;
            const page = await ctx.store.deliveries.list(call.tenantId, {
              ...toPageQuery(params, ctx.config.api.maxPageSize),
              subscriptionId: sub.id,
              ...(state !== undefined && { state }),
              ...(from !== undefined && { from: new Date(from) }),
              ...(to !== undefined && { to: new Date(to) }),
            });
            sendPage(call.req, call.res, page, (d) => d);
          },
        }),
      },
    },
    {
      path: '/v1/deliveries/{id}',
      operations: {
        GET: op({
          summary: 'one delivery with every attempt made, oldest first',
          access: 'tenant',
          responses: { 200: 'the delivery and its attempts' },
          async handle(call) {
            const delivery = await ownedDelivery(call.tenantId, call.params.id!);
            const attempts = await ctx.store.attempts.listByDelivery(call.tenantId, delivery.id);
            call.res.json({ ...delivery, attempts });
          },
        }),
      },
    },
    {
      path: '/v1/deliveries/{id}/redeliver',
      operations: {
        POST: op({
          summary: 'try a delivery again now (a manual attempt)',
          access: 'tenant',
          responses: { 202: 'queued; follow Location for its attempts' },
          async handle(call) {
            const delivery = await ownedDelivery(call.tenantId, call.params.id!);
            await ctx.redeliver(delivery);
            call.res.status(202).location(deliveryLocation(delivery.id)).json(delivery);
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}/stats',
      operations: {
        GET: op({
          summary: 'attempts, success rate and latency percentiles over a window',
          access: 'tenant',
          query: statsQuery,
          responses: { 200: 'the statistics' },
          async handle(call) {
            const sub = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            const window = call.query.window ?? DEFAULT_STATS_WINDOW;
            const since = new Date(Date.now() - toMs(window));
            const stats = await ctx.store.attempts.stats(call.tenantId, sub.id, since);
            call.res.json({ window, since, ...stats, successRate: stats.total === 0 ? null : stats.succeeded / stats.total });
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}/replay',
      operations: {
        POST: op({
          summary: 'deliver again what the ingest stream holds for a time window (or from a sequence) and matches now',
          access: 'tenant',
          body: replayInput,
          responses: { 202: 'the replay job; follow Location for its progress' },
          async handle(call) {
            const sub = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            const job = await ctx.startReplay(sub, replayRequest(call.body));
            call.res.status(202).location(`/v1/subscriptions/${encodeURIComponent(sub.id)}/replay/${encodeURIComponent(job.id)}`).json(job);
          },
        }),
      },
    },
    {
      path: '/v1/subscriptions/{id}/replay/{jobId}',
      operations: {
        GET: op({
          summary: 'the progress of a replay',
          access: 'tenant',
          responses: { 200: 'the replay job' },
          async handle(call) {
            const sub = await ownedSubscription(ctx, call.tenantId, call.params.id!);
            const job = await ctx.getReplay(call.tenantId, call.params.jobId!);
            if (!job || job.subscriptionId !== sub.id) throw new ApiError(404, ErrorCodes.API_NOT_FOUND, `no replay ${call.params.jobId}`);
            call.res.json(job);
          },
        }),
      },
    },
  ];
}
