// `ceg subscriptions …`: the tenant subscription API from the command line. Each verb is one request;
// the answer is printed as JSON, a refusal as one line from its problem details.
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { ApiError, ErrorCodes } from '../errors.js';
import { call, type Connection } from './client.js';

function print(value: unknown): void {
  if (value !== undefined) console.log(JSON.stringify(value, null, 2));
}

/** A JSON body from `--data` or `--file`, or undefined when neither is given. */
function jsonInput(opts: { data?: string; file?: string }): Record<string, unknown> | undefined {
  const text = opts.file !== undefined ? readFileSync(opts.file, 'utf8') : opts.data;
  return text === undefined ? undefined : (JSON.parse(text) as Record<string, unknown>);
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function subscriptionsCommand(): Command {
  const cmd = new Command('subscriptions')
    .alias('subs')
    .description("manage a tenant's webhook subscriptions through the gateway's /v1 API")
    .addOption(new Option('--url <url>', 'gateway base URL').default('http://127.0.0.1:8080'))
    .addOption(new Option('--api-key <key>', 'tenant API key').env('CEG_API_KEY'));
  const conn = (): Connection => cmd.opts<Connection>();
  const path = (id: string, suffix = '') => `/v1/subscriptions/${encodeURIComponent(id)}${suffix}`;

  cmd
    .command('list')
    .description('list subscriptions (one page; --cursor for the next)')
    .option('--type <pattern>', 'only those listing this type pattern')
    .option('--state <state>', 'active, paused or disabled')
    .option('--limit <n>', 'page size')
    .option('--cursor <cursor>', 'nextCursor of the previous page')
    .action(async (opts: Record<string, string | undefined>) => {
      const query = new URLSearchParams(Object.entries(opts).filter((e): e is [string, string] => e[1] !== undefined));
      print(await call(conn(), 'GET', `/v1/subscriptions${query.size ? `?${query}` : ''}`));
    });
  cmd.command('get <id>').description('show one subscription').action(async (id: string) => print(await call(conn(), 'GET', path(id))));
  cmd
    .command('create')
    .description('create a subscription (prints its signing secret, shown only this once)')
    .option('--sink <url>', 'webhook URL')
    .option('-t, --type <pattern>', 'event type pattern (repeatable)', collect)
    .option('--sql <expression>', 'a CESQL filter')
    .addOption(new Option('--content-mode <mode>').choices(['binary', 'structured', 'webhook']))
    .option('--description <text>')
    .option('-d, --data <json>', 'the whole subscription as JSON; flags override its fields')
    .option('-f, --file <file>', 'read the subscription (JSON) from a file')
    .action(async (opts: { sink?: string; type?: string[]; sql?: string; contentMode?: string; description?: string; data?: string; file?: string }) => {
      const body: Record<string, unknown> = jsonInput(opts) ?? {};
      if (opts.sink) body.sink = opts.sink;
      if (opts.type) body.types = opts.type;
      if (opts.sql) body.filters = [...((body.filters as unknown[]) ?? []), { sql: opts.sql }];
      if (opts.contentMode) body.contentMode = opts.contentMode;
      if (opts.description) body.description = opts.description;
      print(await call(conn(), 'POST', '/v1/subscriptions', body));
    });
  cmd
    .command('update <id>')
    .description('change a subscription with a JSON merge patch (null removes a field)')
    .option('-d, --data <json>', 'the merge patch')
    .option('-f, --file <file>', 'read the merge patch from a file')
    .action(async (id: string, opts: { data?: string; file?: string }) => {
      const patch = jsonInput(opts);
      if (!patch) throw new ApiError(400, ErrorCodes.API_BAD_REQUEST, 'give the merge patch with --data or --file');
      print(await call(conn(), 'PATCH', path(id), patch, 'application/merge-patch+json'));
    });
  cmd.command('delete <id>').description('delete a subscription').action(async (id: string) => {
    await call(conn(), 'DELETE', path(id));
    console.log(`deleted ${id}`);
  });
  cmd.command('pause <id>').description('stop delivering until resumed').action(async (id: string) => print(await call(conn(), 'POST', path(id, '/pause'))));
  cmd.command('resume <id>').description('deliver again').action(async (id: string) => print(await call(conn(), 'POST', path(id, '/resume'))));
  cmd
    .command('rotate-secret <id>')
    .description('new signing secret (shown only this once); the old one signs too for the grace period')
    .action(async (id: string) => print(await call(conn(), 'POST', path(id, '/secret/rotate'))));
  cmd.command('test <id>').description('send a test event now and show the attempt').action(async (id: string) => print(await call(conn(), 'POST', path(id, '/test'))));
  return cmd;
}
