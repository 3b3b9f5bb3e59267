import { createHmac } from 'node:crypto';
import { expect } from 'chai';
import { signHmac, verifyHmac } from '../../src/signing/mod.js';

const body = '{"action":"opened","title":"Ünïcödé 🚀"}';

describe('signing / plain HMAC', () => {
  it('is the hex HMAC-SHA256 of the body, prefixed as configured (X-Hub-Signature-256 style)', () => {
    const expected = createHmac('sha256', 'gh-secret').update(body).digest('hex');
    expect(signHmac({ body, secrets: ['gh-secret'], prefix: 'sha256=' })).to.equal(`sha256=${expected}`);
    expect(signHmac({ body, secrets: ['gh-secret'] })).to.equal(expected);
  });

  it('verifies with the same prefix and rejects tampering, wrong secrets and missing or foreign prefixes', () => {
    const value = signHmac({ body, secrets: ['s1'], prefix: 'sha256=' });
    expect(verifyHmac(body, value, ['s1'], { prefix: 'sha256=' })).to.deep.equal({ ok: true });
    expect(verifyHmac(body + 'x', value, ['s1'], { prefix: 'sha256=' }).ok).to.equal(false);
    expect(verifyHmac(body, value, ['s2'], { prefix: 'sha256=' })).to.deep.equal({ ok: false, reason: 'no-matching-signature' });
    expect(verifyHmac(body, value.slice('sha256='.length), ['s1'], { prefix: 'sha256=' })).to.deep.equal({
      ok: false,
      reason: 'malformed-header',
    });
    expect(verifyHmac(body, undefined, ['s1'])).to.deep.equal({ ok: false, reason: 'missing-header' });
  });

  it('lists one signature per active secret during rotation', () => {
    const value = signHmac({ body, secrets: ['new', 'old'], prefix: 'sha256=' });
    expect(value.split(', ')).to.have.length(2);
    expect(verifyHmac(body, value, ['old'], { prefix: 'sha256=' }).ok).to.equal(true);
  });
});
