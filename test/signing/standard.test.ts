import { expect } from 'chai';
import { Webhook } from 'standardwebhooks';
import {
  generateKeyPair,
  generateSecret,
  signStandardWebhook,
  verifyStandardWebhook,
} from '../../src/signing/mod.js';

const body = JSON.stringify({ type: 'invoice.paid', data: { amount: 4200, note: 'café ☕ 日本' } });
const now = () => Math.floor(Date.now() / 1000);

describe('signing / Standard Webhooks', () => {
  it('generates whsec_ secrets of 32 random bytes', () => {
    const a = generateSecret();
    expect(a).to.match(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(a.slice('whsec_'.length), 'base64')).to.have.length(32);
    expect(generateSecret()).to.not.equal(a);
  });

  it('produces headers the standardwebhooks library accepts', () => {
    const secret = generateSecret();
    const headers = signStandardWebhook({ id: 'msg_1', body, secrets: [secret] });
    expect(headers['webhook-id']).to.equal('msg_1');
    expect(headers['webhook-signature']).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(new Webhook(secret).verify(body, { ...headers })).to.deep.equal(JSON.parse(body));
  });

  it('signs the exact bytes: a Uint8Array body verifies like its string', () => {
    const secret = generateSecret();
    const headers = signStandardWebhook({ id: 'msg_2', body: new TextEncoder().encode(body), secrets: [secret] });
    expect(() => new Webhook(secret).verify(body, { ...headers })).to.not.throw();
  });

  it('signs with every active secret during rotation; receivers on either secret accept', () => {
    const [newer, older] = [generateSecret(), generateSecret()];
    const headers = signStandardWebhook({ id: 'msg_3', body, secrets: [newer, older] });
    expect(headers['webhook-signature'].split(' ')).to.have.length(2);
    expect(() => new Webhook(newer).verify(body, { ...headers })).to.not.throw();
    expect(() => new Webhook(older).verify(body, { ...headers })).to.not.throw();
    expect(() => new Webhook(generateSecret()).verify(body, { ...headers })).to.throw(/No matching signature/);
  });

  it('is rejected by the library when the timestamp is expired or in the future', () => {
    const secret = generateSecret();
    const old = signStandardWebhook({ id: 'msg_4', body, secrets: [secret], timestamp: now() - 301 });
    const future = signStandardWebhook({ id: 'msg_4', body, secrets: [secret], timestamp: now() + 400 });
    expect(() => new Webhook(secret).verify(body, { ...old })).to.throw(/too old/);
    expect(() => new Webhook(secret).verify(body, { ...future })).to.throw(/too new/);
  });

  it('is rejected by the library when the body was tampered with', () => {
    const secret = generateSecret();
    const headers = signStandardWebhook({ id: 'msg_5', body, secrets: [secret] });
    expect(() => new Webhook(secret).verify(body.replace('4200', '4201'), { ...headers })).to.throw(/No matching/);
  });

  describe('verifyStandardWebhook', () => {
    it('accepts what the library signs, with header names in any case', () => {
      const secret = generateSecret();
      const date = new Date();
      const signature = new Webhook(secret).sign('msg_6', date, body);
      const headers = {
        'Webhook-Id': 'msg_6',
        'Webhook-Timestamp': String(Math.floor(date.getTime() / 1000)),
        'Webhook-Signature': signature,
      };
      expect(verifyStandardWebhook(body, headers, [secret])).to.deep.equal({ ok: true });
    });

    it('rejects tampered bodies, foreign secrets, stale and future timestamps, missing headers', () => {
      const secret = generateSecret();
      const headers = signStandardWebhook({ id: 'msg_7', body, secrets: [secret] });
      expect(verifyStandardWebhook(body + ' ', headers, [secret])).to.deep.equal({ ok: false, reason: 'no-matching-signature' });
      expect(verifyStandardWebhook(body, headers, [generateSecret()])).to.deep.equal({ ok: false, reason: 'no-matching-signature' });
      const { 'webhook-signature': _omitted, ...unsigned } = headers;
      expect(verifyStandardWebhook(body, unsigned, [secret])).to.deep.equal({ ok: false, reason: 'missing-header' });
      const at = Number(headers['webhook-timestamp']);
      expect(verifyStandardWebhook(body, headers, [secret], { now: at + 301 })).to.deep.equal({ ok: false, reason: 'timestamp-too-old' });
      expect(verifyStandardWebhook(body, headers, [secret], { now: at - 301 })).to.deep.equal({ ok: false, reason: 'timestamp-too-new' });
      expect(verifyStandardWebhook(body, headers, [secret], { now: at + 300 })).to.deep.equal({ ok: true });
      expect(verifyStandardWebhook(body, { ...headers, 'webhook-timestamp': '17e8' }, [secret])).to.deep.equal({
        ok: false,
        reason: 'malformed-header',
      });
    });

    it('rejects a signature whose id was swapped (the id is signed)', () => {
      const secret = generateSecret();
      const headers = signStandardWebhook({ id: 'msg_8', body, secrets: [secret] });
      expect(verifyStandardWebhook(body, { ...headers, 'webhook-id': 'msg_9' }, [secret]).ok).to.equal(false);
    });

    it('accepts any of several receiver-side secrets', () => {
      const [a, b] = [generateSecret(), generateSecret()];
      const headers = signStandardWebhook({ id: 'msg_10', body, secrets: [b] });
      expect(verifyStandardWebhook(body, headers, [a, b]).ok).to.equal(true);
    });
  });

  describe('ed25519 (v1a)', () => {
    it('generates whsk_/whpk_ pairs whose secret holds seed and public key', () => {
      const { secretKey, publicKey } = generateKeyPair();
      const raw = Buffer.from(secretKey.slice('whsk_'.length), 'base64');
      expect(raw).to.have.length(64);
      expect(raw.subarray(32).toString('base64')).to.equal(publicKey.slice('whpk_'.length));
    });

    it('signs v1a and verifies with the public key only', () => {
      const { secretKey, publicKey } = generateKeyPair();
      const headers = signStandardWebhook({ id: 'msg_11', body, secrets: [secretKey] });
      expect(headers['webhook-signature']).to.match(/^v1a,/);
      expect(verifyStandardWebhook(body, headers, [publicKey])).to.deep.equal({ ok: true });
      expect(verifyStandardWebhook(body.toUpperCase(), headers, [publicKey]).ok).to.equal(false);
      expect(verifyStandardWebhook(body, headers, [generateKeyPair().publicKey]).ok).to.equal(false);
    });

    it('mixes v1 and v1a during a migration; each receiver checks its own version', () => {
      const secret = generateSecret();
      const { secretKey, publicKey } = generateKeyPair();
      const headers = signStandardWebhook({ id: 'msg_12', body, secrets: [secretKey, secret] });
      expect(verifyStandardWebhook(body, headers, [publicKey]).ok).to.equal(true);
      expect(() => new Webhook(secret).verify(body, { ...headers })).to.not.throw();
    });

    it('refuses a secret key whose public half does not match its seed', () => {
      const a = Buffer.from(generateKeyPair().secretKey.slice(5), 'base64');
      const b = Buffer.from(generateKeyPair().secretKey.slice(5), 'base64');
      const forged = 'whsk_' + Buffer.concat([a.subarray(0, 32), b.subarray(32)]).toString('base64');
      expect(() => signStandardWebhook({ id: 'm', body, secrets: [forged] })).to.throw(/does not match/);
    });
  });

  it('refuses keys of unknown form and an empty key list', () => {
    expect(() => signStandardWebhook({ id: 'm', body, secrets: ['hunter2'] })).to.throw(/whsec_/);
    expect(() => signStandardWebhook({ id: 'm', body, secrets: ['whsec_!!!'] })).to.throw(/base64/);
    expect(() => signStandardWebhook({ id: 'm', body, secrets: [] })).to.throw(/no signing secret/);
  });
});
