import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { request } from 'undici';
import { encodeHttp } from '../cloudevents/http.js';
import { validateEvent } from '../cloudevents/validator.js';
import type { CloudEvent } from '../cloudevents/event.js';
import { loadConfigFile } from '../config/load.js';
import type { GatewayConfig } from '../config/types.js';
import { ApiError, ErrorCodes, GatewayError } from '../errors.js';
import { localNatsUrlFile } from '../nats/local.js';
import { EventPublisher } from '../ingest/publish.js';
import { ingestPrefix } from '../nats/subjects.js';

interface PublishOptions {
  config: string;
  type?: string;
  source: string;
  id?: string;
  subject?: string;
  dataschema?: string;
  data?: string;
  dataFile?: string;
  file?: string;
  mode: 'structured' | 'binary';
  http?: string;
  nats?: string;
}

export async function publishCommand(opts: PublishOptions): Promise<void> {
  const event = validateEvent(buildEvent(opts));
  if (opts.http) {
    const { headers, body } = encodeHttp(event, opts.mode);
    const res = await request(new URL('/v1/events', opts.http), { method: 'POST', headers, body });
    const text = await res.body.text();
    if (res.statusCode !== 202) {
      throw new ApiError(res.statusCode, ErrorCodes.API_BAD_REQUEST, `the gateway refused the event (${res.statusCode}): ${text}`);
    }
    console.log(`accepted ${event.type} ${event.id} by ${opts.http}`);
    return;
  }
  const config = loadConfigFile(opts.config);
  const servers = opts.nats ?? (config.nats.servers.length ? config.nats.servers.join(',') : localServerUrl(config));
  const nc = await connect({ servers: servers.split(','), name: 'ceg publish' });
  try {
    const publisher = new EventPublisher(jetstream(nc), ingestPrefix(config.nats.stream.subjects));
    const ack = await publisher.publish(event, opts.mode);
    console.log(`published ${event.type} ${event.id} to ${ack.subject} (stream ${ack.stream}, seq ${ack.seq}${ack.duplicate ? ', duplicate' : ''})`);
  } finally {
    await nc.drain();
  }
}

function localServerUrl(config: GatewayConfig): string {
  const file = localNatsUrlFile(config);
  if (!existsSync(file)) {
    throw new GatewayError(ErrorCodes.NATS_UNAVAILABLE, `no NATS server configured and no local one recorded in ${file}; start the gateway first (ceg start) or pass --nats <url>`);
  }
  return readFileSync(file, 'utf8').trim();
}

function buildEvent(opts: PublishOptions): CloudEvent {
  const base: Record<string, unknown> = opts.file ? JSON.parse(readFileSync(opts.file, 'utf8')) : {};
  const data = opts.dataFile ? JSON.parse(readFileSync(opts.dataFile, 'utf8')) : opts.data !== undefined ? JSON.parse(opts.data) : undefined;
  const event: Record<string, unknown> = {
    specversion: '1.0',
    id: randomUUID(),
    source: opts.source,
    time: new Date().toISOString(),
    ...base,
  };
  if (opts.type) event.type = opts.type;
  if (opts.id) event.id = opts.id;
  if (opts.subject) event.subject = opts.subject;
  if (opts.dataschema) event.dataschema = opts.dataschema;
  if (data !== undefined) {
    event.data = data;
    event.datacontenttype ??= 'application/json';
  }
  if (!event.type) throw new ApiError(400, ErrorCodes.API_BAD_REQUEST, 'an event needs a type: pass --type or --file');
  return event as CloudEvent;
}
