import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import { runPlugin, type PluginRun } from '../../../src/pipeline/mod.js';
import {
  generateKeyPair,
  generateSecret,
  verifyHmac,
  verifyStandardWebhook,
  verifyTimestamped,
} from '../../../src/signing/mod.js';
import sign from '../../../plugins/sign/index.js';
import { rejection, sampleEvent } from '../../pipeline/support.js';

const keys = (...secrets: string[]) => ({ ctx: { keys: secrets.map((secret, i) => ({ id: `k${i}`, secret })), deliveryId: 'msg_42' } });

function signed(run: PluginRun) {
  if (run.kind !== 'continue') throw new Error(`expected continue, got ${run.kind}: ${run.kind === 'fail' ? run.error.message : run.reason}`);
  return { body: Buffer.from(run.value.body), headers: run.value.headers };
}

describe('plugin sign', () => {
  it('signs Standard Webhooks with every active secret over the exact body', async () => {
    const [newer, older] = [generateSecret(), generateSecret()];
    const { body, headers } = signed(await runPlugin(sign, { scheme: 'standard-webhooks' }, sampleEvent(), keys(newer, older)));
    expect(headers['webhook-id']).to.equal('msg_42');
    expect(headers['content-type']).to.equal('application/cloudevents+json; charset=utf-8');
    expect(() => new Webhook(newer).verify(body, headers)).to.not.throw();
    expect(() => new Webhook(older).verify(body, headers)).to.not.throw();
  });

  it('signs ed25519 with whsk_ keys only, skipping HMAC secrets active during a migration', async () => {
    const { secretKey, publicKey } = generateKeyPair();
    const { body, headers } = signed(
      await runPlugin(sign, { scheme: 'standard-webhooks-ed25519' }, sampleEvent(), keys(secretKey, generateSecret())),
    );
    expect(headers['webhook-signature']).to.match(/^v1a,[^ ]+$/);
    expect(verifyStandardWebhook(body, headers, [publicKey]).ok).to.equal(true);
  });

  it('writes a timestamped HMAC header under a configured name', async () => {
    const { body, headers } = signed(
      await runPlugin(sign, { scheme: 'timestamped-hmac', header: 'OFAuth-Signature' }, sampleEvent(), keys('s3cret', 'old')),
    );
    expect(headers['ofauth-signature']).to.match(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(verifyTimestamped(body, headers['ofauth-signature'], ['old']).ok).to.equal(true);
  });

  it('writes plain HMAC: X-Hub-Signature-256 with sha256= by default, custom header without prefix', async () => {
    const hub = signed(await runPlugin(sign, { scheme: 'hmac' }, sampleEvent(), keys('gh')));
    expect(verifyHmac(hub.body, hub.headers['x-hub-signature-256'], ['gh'], { prefix: 'sha256=' }).ok).to.equal(true);
    const optare = signed(await runPlugin(sign, { scheme: 'hmac', header: 'X-Optare-Signature' }, sampleEvent(), keys('op')));
    expect(optare.headers['x-optare-signature']).to.match(/^[0-9a-f]{64}$/);
    expect(verifyHmac(optare.body, optare.headers['x-optare-signature'], ['op']).ok).to.equal(true);
  });

  it('dead-letters (permanent fail) when no key fits the scheme', async () => {
    const none = await runPlugin(sign, { scheme: 'standard-webhooks' }, sampleEvent(), keys());
    const wrongKind = await runPlugin(sign, { scheme: 'standard-webhooks-ed25519' }, sampleEvent(), keys(generateSecret()));
    for (const run of [none, wrongKind]) {
      expect(run.kind === 'fail' && run.error.retryable).to.equal(false);
      expect(run.kind === 'fail' && run.error.message).to.contain('no active');
    }
  });

  it('fails permanently with CEG_ERR_CRYPTO_KEY on a malformed secret', async () => {
    const run = await runPlugin(sign, { scheme: 'standard-webhooks' }, sampleEvent(), keys('whsec_not base64!'));
    expect(run.kind === 'fail' && run.error).to.include({ code: 'CEG_ERR_CRYPTO_KEY', retryable: false });
  });

  it('rejects an unknown scheme and a header name that is no HTTP token', async () => {
    const err = await rejection(runPlugin(sign, { scheme: 'md5', header: 'bad header' }, sampleEvent()));
    expect(err.violations?.map((v) => v.pointer)).to.have.members(['/pipeline/0/config/scheme', '/pipeline/0/config/header']);
  });
});
