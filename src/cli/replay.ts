// `ceg replay <subscription>`: starts a replay job through the API and follows it with a progress line
// until it is done.
import { Command, Option } from 'commander';
import type { ReplayJob } from '../api/context.js';
import { ApiError, ErrorCodes } from '../errors.js';
import { call, type Connection } from './client.js';
import { Progress } from './progress.js';

const POLL_MS = 500;

export function replayCommand(): Command {
  return new Command('replay')
    .description("re-deliver a window of the ingest stream to a subscription (what matches it now), with progress")
    .argument('<subscription>', 'subscription id')
    .option('--from <time>', 'start of the window (RFC 3339)')
    .option('--to <time>', 'end of the window, exclusive (RFC 3339)')
    .option('--start-seq <n>', 'or: the ingest stream sequence to start at')
    .addOption(new Option('--url <url>', 'gateway base URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'tenant API key').env('CEG_API_KEY'))
    .action(async (id: string, opts: Connection & { from?: string; to?: string; startSeq?: string }) => {
      const body = {
        ...(opts.from ? { from: opts.from } : {}),
        ...(opts.to ? { to: opts.to } : {}),
        ...(opts.startSeq ? { startSeq: Number(opts.startSeq) } : {}),
      };
      const base = `/v1/subscriptions/${encodeURIComponent(id)}/replay`;
      let job = (await call(opts, 'POST', base, body)) as ReplayJob;
      const progress = new Progress(`replay ${job.id}`, job.total, 'events scanned');
      while (job.state === 'running') {
        await new Promise((r) => setTimeout(r, POLL_MS));
        job = (await call(opts, 'GET', `${base}/${job.id}`)) as ReplayJob;
        progress.total = job.total;
        progress.set(job.scanned);
      }
      progress.end(job.state);
      if (job.state === 'failed') {
        throw new ApiError(500, ErrorCodes.INTERNAL, `replay ${job.id} failed after ${job.scanned} events: ${job.error ?? 'unknown error'}; run it again from --start-seq to resume`);
      }
      console.log(JSON.stringify({ job: job.id, scanned: job.scanned, enqueued: job.enqueued }));
    });
}
