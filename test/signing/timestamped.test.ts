import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { signTimestamped, verifyTimestamped } from '../../src/signing/mod.js';

const body = '{"id":"evt_1","amount":12.5,"memo":"naïve ☃"}';
const secret = 'ofa_secret_1';

describe('signing / timestamped HMAC', () => {
  it('formats t=<unix>,v1=<hex of HMAC-SHA256("{t}.{body}")>', () => {
    const value = signTimestamped({ body, secrets: [secret], timestamp: 1_700_000_000 });
    const expected = createHmac('sha256', secret).update(`1700000000.${body}`).digest('hex');
    expect(value).to.equal(`t=1700000000,v1=${expected}`);
  });

  it('repeats v1= for each active secret and verifies with either', () => {
    const value = signTimestamped({ body, secrets: [secret, 'older'] });
    expect(value.match(/v1=/g)).to.have.length(2);
    expect(verifyTimestamped(body, value, ['older'])).to.deep.equal({ ok: true });
    expect(verifyTimestamped(body, value, [secret])).to.deep.equal({ ok: true });
  });

  it('rejects tampering, unknown secrets, replays outside the window and malformed values', () => {
    const value = signTimestamped({ body, secrets: [secret], timestamp: 1_700_000_000 });
    const now = 1_700_000_000;
    expect(verifyTimestamped(body, value, [secret], { now })).to.deep.equal({ ok: true });
    expect(verifyTimestamped(body.replace('12.5', '125'), value, [secret], { now }).ok).to.equal(false);
    expect(verifyTimestamped(body, value, ['other'], { now })).to.deep.equal({ ok: false, reason: 'no-matching-signature' });
    expect(verifyTimestamped(body, value, [secret], { now: now + 301 })).to.deep.equal({ ok: false, reason: 'timestamp-too-old' });
    expect(verifyTimestamped(body, value, [secret], { now: now - 301 })).to.deep.equal({ ok: false, reason: 'timestamp-too-new' });
    expect(verifyTimestamped(body, value, [secret], { now: now + 60, toleranceSec: 30 }).ok).to.equal(false);
    expect(verifyTimestamped(body, undefined, [secret])).to.deep.equal({ ok: false, reason: 'missing-header' });
    expect(verifyTimestamped(body, 'v1=abc', [secret])).to.deep.equal({ ok: false, reason: 'malformed-header' });
    expect(verifyTimestamped(body, `t=1,t=2,${value.split(',')[1]}`, [secret]).ok).to.equal(false);
  });

  it('signs raw bytes exactly as sent', () => {
    const bytes = new TextEncoder().encode(body);
    const value = signTimestamped({ body: bytes, secrets: [secret] });
    expect(verifyTimestamped(body, value, [secret]).ok).to.equal(true);
  });
});
