// What a subscription must satisfy beyond its JSON Schema: a sink the delivery engine may call, type
// patterns that parse, filters that compile (CESQL included), and pipeline steps whose plugins exist and
// accept their config. Every problem is reported at once, each with its JSON pointer in the body.
import { ApiError, ErrorCodes, isGatewayError, pointer, type ErrorCode, type Violation } from '../errors.js';
import { SsrfGuard } from '../delivery/ssrf.js';
import { compileFilters } from '../filters/mod.js';
import { validatePluginConfig, type PipelineOwner } from '../pipeline/mod.js';
import { checkTypePattern } from '../routing/pattern.js';
import type { ApiContext } from './context.js';
import type { SubscriptionInput } from './schemas.js';

// set by the delivery engine (transport, framing, signatures); a tenant's value would corrupt the request
const RESERVED_HEADERS = /^(host|content-length|content-type|transfer-encoding|connection|upgrade|te|trailer|keep-alive|ce-.*|webhook-.*)$/i;

class Findings {
  readonly violations: Violation[] = [];
  readonly codes = new Set<ErrorCode>();

  add(code: ErrorCode, at: string, message: string, rule: string): void {
    this.codes.add(code);
    this.violations.push({ pointer: at, message, rule });
  }

  /** Takes over a GatewayError's violations; anything else is not a finding and is rethrown. */
  absorb(err: unknown, at: string): void {
    if (!isGatewayError(err)) throw err;
    this.codes.add(err.code);
    if (err.violations.length) this.violations.push(...err.violations);
    else this.violations.push({ pointer: at, message: err.message });
  }
}

function checkSink(ctx: ApiContext, sink: string, f: Findings): void {
  const url = new URL(sink);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return f.add(ErrorCodes.API_BAD_REQUEST, '/sink', 'the sink must be an http or https URL', 'protocol');
  }
  if (url.protocol === 'http:' && ctx.config.delivery.ssrf.httpsOnly) {
    return f.add(ErrorCodes.API_BAD_REQUEST, '/sink', 'this gateway delivers over https only', 'httpsOnly');
  }
  if (url.username || url.password) {
    // everyone who can read the subscription would read them; headers carry credentials instead
    return f.add(ErrorCodes.API_BAD_REQUEST, '/sink', 'credentials in the URL are not allowed; use protocolsettings.headers', 'userinfo');
  }
  try {
    new SsrfGuard(ctx.config.delivery.ssrf.allow).assertHost(url.hostname);
  } catch (err) {
    f.add(ErrorCodes.SSRF_BLOCKED, '/sink', (err as Error).message, 'ssrf');
  }
}

async function checkPipeline(ctx: ApiContext, steps: NonNullable<SubscriptionInput['pipeline']>, owner: PipelineOwner, f: Findings) {
  for (const [i, step] of steps.entries()) {
    const at = pointer('pipeline', i);
    try {
      const def = await ctx.plugins.load(step.use, { owner, pointer: at + '/use' });
      validatePluginConfig(def, step.config, { owner, pointer: at + '/config' });
    } catch (err) {
      f.absorb(err, at + '/use');
    }
  }
}

/** Throws an ApiError 400 listing every problem; its code is the problems' own when they share one. */
export async function checkSubscription(ctx: ApiContext, input: SubscriptionInput, owner: PipelineOwner): Promise<void> {
  const f = new Findings();
  checkSink(ctx, input.sink, f);
  for (const [i, pattern] of (input.types ?? []).entries()) {
    const problem = checkTypePattern(pattern);
    if (problem) f.add(ErrorCodes.API_BAD_REQUEST, pointer('types', i), problem, 'pattern');
  }
  for (const name of Object.keys(input.protocolsettings?.headers ?? {})) {
    if (RESERVED_HEADERS.test(name)) {
      f.add(ErrorCodes.API_BAD_REQUEST, pointer('protocolsettings', 'headers', name), 'is set by the gateway and cannot be overridden', 'reserved');
    }
  }
  try {
    compileFilters(input.filters ?? [], '/filters');
  } catch (err) {
    f.absorb(err, '/filters');
  }
  await checkPipeline(ctx, input.pipeline ?? [], owner, f);

  const [first] = f.violations;
  if (!first) return;
  const code = f.codes.size === 1 ? [...f.codes][0]! : ErrorCodes.API_BAD_REQUEST;
  const more = f.violations.length > 1 ? ` (and ${f.violations.length - 1} more)` : '';
  throw new ApiError(400, code, `invalid subscription: ${first.pointer} ${first.message}${more}`, { violations: f.violations });
}
