import { expect } from 'chai';
import type { RetryPolicy } from '../../src/config/types.js';
import { fromError, fromResponse, type Outcome } from '../../src/delivery/outcome.js';
import type { SendResult } from '../../src/delivery/sender.js';
import { DelayedError, DeliveryError, ErrorCodes, GatewayError, PluginError, UnrecoverableError } from '../../src/errors.js';

// jitter 0 so the expected delays are exact; jitter itself is covered in retry.test.ts
const policy: RetryPolicy = { scheduleMs: [0, 1000, 5000], jitter: 0 };
const answer = (status: number, headers: Record<string, string> = {}): SendResult => ({ status, headers, bodyExcerpt: '', durationMs: 3 });

function retry(o: Outcome): Extract<Outcome, { kind: 'retry' }> {
  expect(o.kind).to.equal('retry');
  return o as Extract<Outcome, { kind: 'retry' }>;
}
function failed(o: Outcome): Extract<Outcome, { kind: 'failed' }> {
  expect(o.kind).to.equal('failed');
  return o as Extract<Outcome, { kind: 'failed' }>;
}

describe('delivery/outcome: fromResponse', () => {
  for (const status of [200, 201, 202, 204, 299]) {
    it(`${status} is a success`, () => {
      expect(fromResponse(answer(status), 1, policy)).to.deep.equal({ kind: 'success' });
    });
  }

  it('a 5xx is retried after the next scheduled delay', () => {
    const o = retry(fromResponse(answer(500), 1, policy));
    expect(o.delayMs).to.equal(1000);
    expect(o.error.code).to.equal(ErrorCodes.DELIVERY_HTTP_STATUS);
    expect((o.error as DeliveryError).status).to.equal(500);
    expect(retry(fromResponse(answer(502), 2, policy)).delayMs).to.equal(5000);
  });

  it('a 4xx other than 410 is retried too (the endpoint may be fixed meanwhile)', () => {
    expect(retry(fromResponse(answer(400), 1, policy)).error.code).to.equal(ErrorCodes.DELIVERY_HTTP_STATUS);
  });

  it('fails once the schedule is exhausted, keeping the last error', () => {
    const o = failed(fromResponse(answer(503), 3, policy));
    expect(o.error.code).to.equal(ErrorCodes.DELIVERY_HTTP_STATUS);
    expect(o.gone).to.equal(undefined);
  });

  it('410 Gone fails at once and says the endpoint is gone', () => {
    const o = failed(fromResponse(answer(410), 1, policy));
    expect(o.gone).to.equal(true);
    expect(o.error.code).to.equal(ErrorCodes.DELIVERY_GONE);
    expect(o.error.retryable).to.equal(false);
  });

  for (const status of [301, 302, 307, 308]) {
    it(`${status} is a retryable failure (redirects are not followed)`, () => {
      const o = retry(fromResponse(answer(status, { location: 'https://elsewhere.example/' }), 1, policy));
      expect(o.error.code).to.equal(ErrorCodes.DELIVERY_REDIRECT);
      expect(o.delayMs).to.equal(1000);
    });
  }

  it('a redirect on the last attempt fails', () => {
    expect(failed(fromResponse(answer(302), 3, policy)).error.code).to.equal(ErrorCodes.DELIVERY_REDIRECT);
  });

  for (const status of [429, 503]) {
    it(`${status} with Retry-After in seconds waits what the server asked`, () => {
      const o = retry(fromResponse(answer(status, { 'retry-after': '42' }), 1, policy));
      expect(o.delayMs).to.equal(42_000);
      expect((o.error as DeliveryError).retryAfterMs).to.equal(42_000);
    });
  }

  it('429 with Retry-After as an HTTP date waits until then', () => {
    const at = new Date(Date.now() + 60_000);
    at.setUTCMilliseconds(0);
    const o = retry(fromResponse(answer(429, { 'retry-after': at.toUTCString() }), 1, policy));
    // the date has whole seconds and a little time passes between building and reading it
    expect(o.delayMs).to.be.within(58_000, 60_000);
  });

  it('a huge Retry-After is clamped to one day', () => {
    expect(retry(fromResponse(answer(503, { 'retry-after': '31536000' }), 1, policy)).delayMs).to.equal(86_400_000);
  });

  it('a malformed Retry-After falls back to the schedule', () => {
    expect(retry(fromResponse(answer(503, { 'retry-after': 'later' }), 1, policy)).delayMs).to.equal(1000);
  });

  it('Retry-After on other statuses is ignored', () => {
    expect(retry(fromResponse(answer(500, { 'retry-after': '42' }), 1, policy)).delayMs).to.equal(1000);
  });

  it('Retry-After does not extend an exhausted schedule', () => {
    expect(failed(fromResponse(answer(429, { 'retry-after': '1' }), 3, policy)).error.code).to.equal(ErrorCodes.DELIVERY_HTTP_STATUS);
  });
});

describe('delivery/outcome: fromError', () => {
  it('a retryable network error or timeout is retried on schedule', () => {
    const net = new DeliveryError(ErrorCodes.DELIVERY_NETWORK, 'ECONNREFUSED', { retryable: true });
    expect(retry(fromError(net, 1, policy))).to.deep.include({ delayMs: 1000, error: net });
    const timeout = new DeliveryError(ErrorCodes.DELIVERY_TIMEOUT, 'slow', { retryable: true });
    expect(retry(fromError(timeout, 2, policy)).delayMs).to.equal(5000);
    expect(failed(fromError(timeout, 3, policy)).error).to.equal(timeout);
  });

  it('a non-retryable error fails at once, whatever is left of the schedule', () => {
    const blocked = new DeliveryError(ErrorCodes.SSRF_BLOCKED, 'loopback');
    expect(failed(fromError(blocked, 1, policy)).error).to.equal(blocked);
    const plugin = new PluginError(ErrorCodes.PLUGIN_CONFIG_INVALID, 'bad');
    expect(failed(fromError(plugin, 1, policy)).error).to.equal(plugin);
  });

  it('UnrecoverableError is dead-lettered at once', () => {
    const err = new UnrecoverableError('cannot render');
    const o = failed(fromError(err, 1, policy));
    expect(o.error).to.equal(err);
    expect(o.error.retryable).to.equal(false);
  });

  it('DelayedError is retried after the delay it names, not the schedule', () => {
    const err = new DelayedError('rate limited upstream', 250);
    const o = retry(fromError(err, 1, policy));
    expect(o.delayMs).to.equal(250);
    expect(o.error).to.equal(err);
  });

  it('DelayedError still ends with the schedule', () => {
    expect(failed(fromError(new DelayedError('again', 250), 3, policy)).error).to.be.instanceOf(DelayedError);
  });

  it('a retryable PluginError is retried on schedule', () => {
    const err = new PluginError(ErrorCodes.PLUGIN_TIMEOUT, 'slow plugin', { retryable: true });
    expect(retry(fromError(err, 1, policy)).delayMs).to.equal(1000);
  });

  it('an unexpected throw becomes a retryable network error with its message', () => {
    const o = retry(fromError(new Error('socket hang up'), 1, policy));
    expect(o.error).to.be.instanceOf(GatewayError);
    expect(o.error.code).to.equal(ErrorCodes.DELIVERY_NETWORK);
    expect(o.error.message).to.equal('socket hang up');
    expect(retry(fromError('a string', 1, policy)).error.message).to.equal('a string');
  });
});
