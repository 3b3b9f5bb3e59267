// POST /v1/events: the CloudEvents HTTP binding (binary, structured, batch) into the ingest stream. An
// event is answered 202 only once JetStream has stored it; a batch is all or nothing, and a bad one is
// answered with every violation of every entry, located by its index.
import express, { Router } from 'express';
import { decodeHttp } from '../cloudevents/http.js';
import type { CloudEvent } from '../cloudevents/event.js';
import { EventError, isGatewayError, pointer, type Violation } from '../errors.js';
import type { EventPublisher } from '../ingest/publish.js';
import type { Metrics } from '../observe/metrics.js';

export interface EventsRouteDeps {
  maxRequestBytes: number;
  maxEventBytes: number;
  maxJsonDepth: number;
  /** data schema validation; throws EventError */
  validateData(event: CloudEvent): void;
  publisher: EventPublisher;
  metrics: Metrics;
}

export function eventsRouter(deps: EventsRouteDeps): Router {
  const router = Router();
  router.post(
    '/v1/events',
    express.raw({ type: () => true, limit: deps.maxRequestBytes }),
    async (req, res) => {
      const body: Uint8Array = Buffer.isBuffer(req.body) ? req.body : new Uint8Array();
      const { mode, events } = decodeHttp(req.headers, body, { maxBytes: deps.maxEventBytes, maxDepth: deps.maxJsonDepth });
      let first: EventError | undefined;
      const violations: Violation[] = [];
      events.forEach((event, i) => {
        try {
          deps.validateData(event);
        } catch (err) {
          if (!(isGatewayError(err) && err instanceof EventError)) throw err;
          first ??= err;
          const base = mode === 'batch' ? pointer(i) : '';
          violations.push(...err.violations.map((v) => ({ ...v, pointer: base + v.pointer })));
        }
      });
      if (first) {
        deps.metrics.eventsIngested.inc({ transport: 'http', outcome: 'rejected' }, events.length);
        throw new EventError(first.code, mode === 'batch' ? `${violations.length} violation(s) in the batch; nothing was accepted` : first.message, {
          violations,
        });
      }
      const stored = await Promise.all(events.map((e) => deps.publisher.publish(e)));
      deps.metrics.eventsIngested.inc({ transport: 'http', outcome: 'accepted' }, events.length);
      res.status(202).json({
        accepted: events.length,
        events: events.map((e, i) => ({ id: e.id, source: e.source, duplicate: stored[i]?.duplicate ?? false })),
      });
    },
  );
  return router;
}
