// `ceg`: the gateway's command line. Each command maps errors to one line that says what to do next and
// an exit code (2 for bad config or input, 1 for what may work on a retry).
import { Command, Option } from 'commander';
import { isGatewayError } from '../errors.js';
import { publishCommand } from './publish.js';
import { replayCommand } from './replay.js';
import { schemasCommand } from './schemas.js';
import { startCommand } from './start.js';
import { subscriptionsCommand } from './subscriptions.js';
import { validateCommand } from './validate.js';

const program = new Command('ceg')
  .description('cloudevents-gateway: CloudEvents from NATS JetStream and HTTP to validated, signed webhooks')
  .showHelpAfterError();

const configOption = () => new Option('-c, --config <file>', 'gateway.yaml to use').default(process.env.CEG_CONFIG ?? 'gateway.yaml');

program.command('start').description('start the gateway').addOption(configOption()).action(startCommand);
program.command('validate').description('check gateway.yaml, schemas and plugin configs without starting').addOption(configOption()).action(validateCommand);
program
  .command('schemas')
  .description('list the event types and schema versions the gateway validates')
  .addOption(configOption())
  .option('--json', 'print JSON')
  .action(schemasCommand);
program
  .command('publish')
  .description('send one CloudEvent to NATS JetStream or to the HTTP ingress')
  .addOption(configOption())
  .option('-t, --type <type>', 'event type, e.g. user.created')
  .option('-s, --source <uri>', 'event source', 'urn:ceg:cli')
  .option('--id <id>', 'event id (default: a random UUID)')
  .option('--subject <subject>', 'event subject')
  .option('--dataschema <uri>', 'dataschema URI (selects a schema version)')
  .option('-d, --data <json>', 'event data as JSON')
  .option('--data-file <file>', 'read event data (JSON) from a file')
  .option('-f, --file <file>', 'read a whole CloudEvent (JSON format) from a file; flags override its attributes')
  .addOption(new Option('--mode <mode>', 'content mode on the wire').choices(['structured', 'binary']).default('structured'))
  .option('--http <url>', 'POST to this gateway URL (its /v1/events) instead of publishing to NATS')
  .option('--nats <url>', 'NATS server URL (default: nats.servers from the config, NATS_URL, or the local server)')
  .action(publishCommand);
program.addCommand(subscriptionsCommand());
program.addCommand(replayCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  if (isGatewayError(err)) {
    console.error(`ceg: ${err.message}`);
    for (const v of err.violations.slice(0, 20)) if (!err.message.includes(v.message)) console.error(`  ${v.pointer}: ${v.message}`);
    // 2: the input (config, event, flags) must change; 1: something to retry (NATS, store, network)
    process.exitCode = err.retryable ? 1 : 2;
  } else {
    console.error(`ceg: ${(err as Error)?.stack ?? err}`);
    process.exitCode = 1;
  }
});
