import { expect } from 'chai';
import type { CloudEvent } from '../../src/cloudevents/event.js';
import {
  DelayedError,
  definePlugin,
  drop,
  fail,
  keep,
  PluginError,
  UnrecoverableError,
  type PluginInstance,
  type Stage,
} from '../../src/pipeline/mod.js';
import { bodyJson, compile, rejection, runContext, runOnce, sampleEvent } from './support.js';

/** An in-test plugin without config. */
function plugin(name: string, stages: Stage[], instance: PluginInstance | (() => PluginInstance)) {
  return definePlugin<unknown>({
    name,
    version: '0.0.1',
    stages,
    configSchema: { type: 'object' },
    setup: typeof instance === 'function' ? instance : () => instance,
  });
}

/** A transform appending its name to data.trail, so tests see the order steps ran in. */
function marker(name: string) {
  return plugin(name, ['transform'], {
    transform: (e) => {
      const data = e.data as { trail?: string[] };
      return { ...e, data: { ...data, trail: [...(data.trail ?? []), name] } };
    },
  });
}

const envelope = plugin('envelope', ['format'], {
  format: (e) => ({ body: new TextEncoder().encode(JSON.stringify({ wrapped: e.data })), headers: { 'Content-Type': 'application/json' } }),
});

describe('pipeline runner', () => {
  it('runs filters and transforms in listed order, then the format, then signs over the exact body', async () => {
    const seen: string[] = [];
    const onlyAfterA = plugin('only-after-a', ['filter'], {
      filter: (e) => (e.data as { trail: string[] }).trail.join() === 'a',
    });
    const signer = plugin('signer', ['sign'], {
      sign: (m) => {
        seen.push(new TextDecoder().decode(m.body));
        return { 'X-Sig': `len=${m.body.length}` };
      },
    });
    const pipeline = await compile([{ use: 'a' }, { use: 'only-after-a' }, { use: 'b' }, { use: 'envelope' }, { use: 'signer' }], [
      marker('a'),
      onlyAfterA,
      marker('b'),
      envelope,
      signer,
    ]);
    expect(pipeline.steps).to.deep.equal([
      { name: 'a', stage: 'transform' },
      { name: 'only-after-a', stage: 'filter' },
      { name: 'b', stage: 'transform' },
      { name: 'envelope', stage: 'format' },
      { name: 'signer', stage: 'sign' },
    ]);
    const result = await runOnce(pipeline, sampleEvent({ data: {} }));
    expect(result.kind).to.equal('continue');
    if (result.kind !== 'continue') return;
    expect(bodyJson(result.value.body)).to.deep.equal({ wrapped: { trail: ['a', 'b'] } });
    // header names come out lower-cased; the signer saw exactly the bytes that are sent
    expect(result.value.headers).to.deep.equal({ 'content-type': 'application/json', 'x-sig': `len=${result.value.body.length}` });
    expect(seen).to.deep.equal([new TextDecoder().decode(result.value.body)]);
  });

  it('uses the default format when no step formats', async () => {
    const pipeline = await compile([{ use: 'a' }], [marker('a')]);
    const result = await pipeline.run(sampleEvent({ data: {} }), runContext(), (e) => ({
      body: new TextEncoder().encode(`default:${e.id}:${(e.data as { trail: string[] }).trail}`),
      headers: { 'content-type': 'text/plain' },
    }));
    expect(result.kind === 'continue' && new TextDecoder().decode(result.value.body)).to.equal('default:evt-1:a');
  });

  it('runs a multi-stage plugin in contract order whatever order it lists its stages in', async () => {
    const all = plugin('all-in-one', ['sign', 'format', 'transform', 'filter'], {
      filter: () => true,
      transform: (e) => ({ ...e, subject: 'transformed' }),
      format: (e) => ({ body: new TextEncoder().encode(String(e.subject)), headers: {} }),
      sign: (m) => ({ 'x-body': new TextDecoder().decode(m.body) }),
    });
    const pipeline = await compile([{ use: 'all-in-one' }], [all]);
    expect(pipeline.steps.map((s) => s.stage)).to.deep.equal(['filter', 'transform', 'format', 'sign']);
    const result = await runOnce(pipeline, sampleEvent());
    expect(result.kind === 'continue' && result.value.headers['x-body']).to.equal('transformed');
  });

  describe('compile-time stage order', () => {
    const signer = plugin('signer', ['sign'], { sign: () => ({}) });
    const other = plugin('other-format', ['format'], { format: () => ({ body: new Uint8Array(), headers: {} }) });

    it('rejects a transform after the format', async () => {
      const err = await rejection(compile([{ use: 'envelope' }, { use: 'a' }], [envelope, marker('a')]));
      expect(err.code).to.equal('CEG_ERR_CONFIG_INVALID');
      expect(err.message).to.contain('route "audit", /routes/2/pipeline/1: a transform step ("a") cannot come after the format step');
      expect(err.violations?.[0]?.pointer).to.equal('/routes/2/pipeline/1');
    });

    it('rejects a sign before the format', async () => {
      const err = await rejection(compile([{ use: 'signer' }, { use: 'envelope' }], [signer, envelope]));
      expect(err.code).to.equal('CEG_ERR_CONFIG_INVALID');
      expect(err.message).to.contain('/routes/2/pipeline/1: a format step ("envelope") cannot come after the sign step ("signer" at /routes/2/pipeline/0)');
    });

    it('rejects two formats', async () => {
      const err = await rejection(compile([{ use: 'envelope' }, { use: 'other-format' }], [envelope, other]));
      expect(err.message).to.contain('second format step').and.contain('/routes/2/pipeline/0 already formats');
    });

    it('accepts signs without a format step (they sign the default format)', async () => {
      const pipeline = await compile([{ use: 'a' }, { use: 'signer' }], [marker('a'), signer]);
      expect(pipeline.steps.map((s) => s.stage)).to.deep.equal(['transform', 'sign']);
    });
  });

  describe('results', () => {
    it('drops with a reason naming the step when a filter says false', async () => {
      const pipeline = await compile([{ use: 'no' }], [plugin('no', ['filter'], { filter: () => false })]);
      const result = await runOnce(pipeline, sampleEvent());
      expect(result).to.deep.equal({ kind: 'drop', reason: 'filtered out by /routes/2/pipeline/0 (no)', step: 'no' });
    });

    it('passes drop(reason) and keep() through', async () => {
      const dropper = plugin('dropper', ['transform'], { transform: () => drop('duplicate of evt-0') });
      const keeper = plugin('keeper', ['filter'], { filter: () => keep() });
      const pipeline = await compile([{ use: 'keeper' }, { use: 'dropper' }], [keeper, dropper]);
      expect(await runOnce(pipeline, sampleEvent())).to.deep.equal({ kind: 'drop', reason: 'duplicate of evt-0', step: 'dropper' });
    });

    it('maps a plain thrown Error to a retryable CEG_ERR_PLUGIN_FAILED naming owner and step', async () => {
      const pipeline = await compile([{ use: 'boom' }], [plugin('boom', ['filter'], { filter: () => { throw new Error('kaput'); } })]);
      const result = await runOnce(pipeline, sampleEvent());
      expect(result.kind).to.equal('fail');
      if (result.kind !== 'fail') return;
      expect(result.step).to.equal('boom');
      expect(result.error.code).to.equal('CEG_ERR_PLUGIN_FAILED');
      expect(result.error.retryable).to.equal(true);
      expect(result.error.message).to.contain('route "audit", /routes/2/pipeline/0 (boom)').and.contain('kaput');
    });

    it('keeps UnrecoverableError permanent and DelayedError retryable with its delay', async () => {
      const unrecoverable = new UnrecoverableError('account closed');
      const delayed = new DelayedError('rate limited', 30_000);
      const a = await compile([{ use: 'u' }], [plugin('u', ['transform'], { transform: async () => { throw unrecoverable; } })]);
      const b = await compile([{ use: 'd' }], [plugin('d', ['transform'], { transform: () => { throw delayed; } })]);
      const ra = await runOnce(a, sampleEvent());
      const rb = await runOnce(b, sampleEvent());
      expect(ra.kind === 'fail' && ra.error).to.equal(unrecoverable);
      expect(unrecoverable.retryable).to.equal(false);
      expect(rb.kind === 'fail' && rb.error).to.equal(delayed);
      expect(rb.kind === 'fail' && (rb.error as DelayedError).delayMs).to.equal(30_000);
      expect(delayed.retryable).to.equal(true);
    });

    it('returns a returned fail as given', async () => {
      const pipeline = await compile([{ use: 'f' }], [plugin('f', ['filter'], { filter: () => fail('quota exceeded', { retryable: true }) })]);
      const result = await runOnce(pipeline, sampleEvent());
      expect(result.kind === 'fail' && result.error).to.be.instanceOf(PluginError).and.include({
        message: 'quota exceeded',
        retryable: true,
        code: 'CEG_ERR_PLUGIN_FAILED',
      });
    });

    it('fails permanently when a plugin returns something that breaks the contract', async () => {
      const broken = plugin('broken', ['transform'], { transform: () => ({ id: 'no-specversion' }) as unknown as CloudEvent });
      const result = await runOnce(await compile([{ use: 'broken' }], [broken]), sampleEvent());
      expect(result.kind === 'fail' && result.error.retryable).to.equal(false);
      expect(result.kind === 'fail' && result.error.message).to.contain('not a valid transform result');
    });
  });

  describe('time budget', () => {
    it('fails an async step past its budget with a retryable CEG_ERR_PLUGIN_TIMEOUT and aborts its signal', async () => {
      let aborted: unknown;
      const stuck = plugin('stuck', ['transform'], {
        transform: (_e, ctx) =>
          new Promise<CloudEvent>((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              aborted = ctx.signal.reason;
              reject(new Error('gave up'));
            });
          }),
      });
      const result = await runOnce(await compile([{ use: 'stuck', timeoutMs: 20 }], [stuck]), sampleEvent());
      expect(result.kind === 'fail' && result.error).to.include({ code: 'CEG_ERR_PLUGIN_TIMEOUT', retryable: true });
      expect(result.kind === 'fail' && result.error.message).to.contain('20 ms');
      expect(aborted).to.have.property('code', 'CEG_ERR_PLUGIN_TIMEOUT');
    });

    it('hands a step that first looks at its signal after the budget ran out one already aborted', async () => {
      let late: AbortSignal | undefined;
      const slow = plugin('slow', ['transform'], {
        transform: async (e, ctx) => {
          await new Promise((r) => setTimeout(r, 60));
          late = ctx.signal;
          return e;
        },
      });
      const result = await runOnce(await compile([{ use: 'slow', timeoutMs: 10 }], [slow]), sampleEvent());
      expect(result.kind === 'fail' && result.error.code).to.equal('CEG_ERR_PLUGIN_TIMEOUT');
      await new Promise((r) => setTimeout(r, 100));
      expect(late?.aborted).to.equal(true);
      expect(late?.reason).to.have.property('code', 'CEG_ERR_PLUGIN_TIMEOUT');
    });

    it('fails a synchronous step that overran once it returns', async () => {
      const busy = plugin('busy', ['filter'], {
        filter: () => {
          const until = performance.now() + 30;
          while (performance.now() < until);
          return true;
        },
      });
      const result = await runOnce(await compile([{ use: 'busy' }], [busy], { defaultTimeoutMs: 5 }), sampleEvent());
      expect(result.kind === 'fail' && result.error.code).to.equal('CEG_ERR_PLUGIN_TIMEOUT');
    });

    it('rejects a non-positive budget at compile time', async () => {
      const err = await rejection(compile([{ use: 'a', timeoutMs: 0 }], [marker('a')]));
      expect(err.violations?.[0]?.pointer).to.equal('/routes/2/pipeline/0/timeoutMs');
    });
  });

  describe('immutability', () => {
    it('hands plugins a frozen event: a plugin mutating it fails that event only', async () => {
      const mutator = plugin('mutator', ['transform'], {
        transform: (e) => {
          (e.data as { amount: number }).amount = 0;
          return e;
        },
      });
      const pipeline = await compile([{ use: 'mutator' }], [mutator]);
      const event = sampleEvent();
      const result = await runOnce(pipeline, event);
      expect(result.kind === 'fail' && result.error.code).to.equal('CEG_ERR_PLUGIN_FAILED');
      expect((event.data as { amount: number }).amount).to.equal(4200);
      expect(Object.isFrozen(event.data)).to.equal(true);
    });

    it('freezes what a transform returns before the next step sees it', async () => {
      const adds = plugin('adds', ['transform'], { transform: (e) => ({ ...e, data: { list: [1] } }) });
      const pushes = plugin('pushes', ['transform'], {
        transform: (e) => {
          (e.data as { list: number[] }).list.push(2);
          return e;
        },
      });
      const result = await runOnce(await compile([{ use: 'adds' }, { use: 'pushes' }], [adds, pushes]), sampleEvent());
      expect(result.kind === 'fail' && result.step).to.equal('pushes');
    });
  });

  describe('config and setup', () => {
    it('reports an invalid config with owner, plugin and pointer from the document root', async () => {
      const err = await rejection(compile([{ use: 'a' }, { use: 'sign', config: { scheme: 'hmac', header: 5 } }], [marker('a')]));
      expect(err.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
      expect(err.message).to.contain('route "audit"').and.contain('plugin "sign"').and.contain('/routes/2/pipeline/1/config/header');
      expect(err.violations?.map((v) => v.pointer)).to.deep.equal(['/routes/2/pipeline/1/config/header']);
    });

    it('names a subscription owner with its tenant', async () => {
      const err = await rejection(
        compile([{ use: 'sign', config: {} }], [], { owner: { kind: 'subscription', id: '01JABC', tenantId: 'acme' } }),
      );
      expect(err.message).to.contain('subscription 01JABC of tenant acme');
      expect(err.violations?.[0]?.pointer).to.equal('/routes/2/pipeline/0/config/scheme');
    });

    it('turns a setup failure into a config error and closes the steps already set up', async () => {
      let closed = 0;
      const ok = plugin('ok', ['filter'], { filter: () => true, close: () => { closed++; } });
      const bad = plugin('bad', ['filter'], () => { throw new Error('cannot reach the dictionary'); });
      const err = await rejection(compile([{ use: 'ok' }, { use: 'bad' }], [ok, bad]));
      expect(err.code).to.equal('CEG_ERR_PLUGIN_CONFIG_INVALID');
      expect(err.message).to.contain('plugin "bad"').and.contain('cannot reach the dictionary');
      expect(err.violations?.[0]?.pointer).to.equal('/routes/2/pipeline/1/config');
      expect(closed).to.equal(1);
    });

    it('refuses an instance lacking a method for a declared stage', async () => {
      const hollow = plugin('hollow', ['filter'], {});
      const err = await rejection(compile([{ use: 'hollow' }], [hollow]));
      expect(err.message).to.contain('declares the filter stage but its instance has no filter()');
    });

    it('sets each step up once and closes each instance once', async () => {
      let setups = 0;
      let closes = 0;
      const counted = plugin('counted', ['filter', 'transform'], () => {
        setups++;
        return { filter: () => true, transform: (e) => e, close: () => { closes++; } };
      });
      const pipeline = await compile([{ use: 'counted' }], [counted]);
      await runOnce(pipeline, sampleEvent());
      await runOnce(pipeline, sampleEvent({ id: 'evt-2' }));
      await Promise.all([pipeline.close(), pipeline.close()]);
      expect({ setups, closes }).to.deep.equal({ setups: 1, closes: 1 });
    });
  });
});
