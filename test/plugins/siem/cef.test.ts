import { expect } from 'chai';
import { breachAttempted, event, generic, loginFailed, render, USER_ID } from './fixtures.js';

const config = { format: 'cef', vendor: 'Acme', product: 'Auth', productVersion: '2.1' };

describe('siem plugin: CEF', () => {
  it('renders a failed login with header, severity and dictionary keys', async () => {
    const out = await render(config, loginFailed());
    expect(out.headers['content-type']).to.equal('text/plain; charset=utf-8');
    expect(out.text).to.equal(
      'CEF:0|Acme|Auth|2.1|security.login.failed|User logon|5|' +
        `rt=1742526764000 externalId=evt-1 cat=authentication act=logon outcome=failure duid=${USER_ID} ` +
        'duser=ada.lovelace@analytical.io src=192.0.2.200 reason=invalid_password cs1=/auth/eu cs1Label=CloudEvents source',
    );
  });

  it('renders a security finding with its severity from the data and an IPv6 source as c6a2', async () => {
    const out = await render(config, breachAttempted('critical'));
    expect(out.text).to.match(/^CEF:0\|Acme\|Auth\|2\.1\|security\.breach\.attempted\|Security finding\|9\|/);
    expect(out.text).to.include(' cat=finding act=detection ');
    expect(out.text).to.include(' c6a2=2001:db8:ffff::1 c6a2Label=Source IPv6 Address ');
    expect(out.text).not.to.match(/ src=/);
    expect(out.text).not.to.include('outcome=');
  });

  it('renders an unknown type without time or data', async () => {
    const out = await render(config, generic());
    expect(out.text).to.equal(
      'CEF:0|Acme|Auth|2.1|invoice.paid|invoice.paid|1|externalId=evt-1 cat=other act=other cs1=/auth/eu cs1Label=CloudEvents source',
    );
  });

  it('escapes backslashes and pipes in the header', async () => {
    const out = await render({ ...config, vendor: 'Ac|me\\Corp', product: 'line\nbreak' }, event('odd|type\\x'));
    expect(out.text.startsWith('CEF:0|Ac\\|me\\\\Corp|line break|2.1|odd\\|type\\\\x|odd\\|type\\\\x|1|')).to.equal(true);
  });

  it('escapes backslash, equals and line breaks in extension values, leaves pipes and unicode alone', async () => {
    const out = await render(config, loginFailed({ identifier: 'a=b\\c\r\nd|e Zoë 🚀' }));
    expect(out.text).to.include(' duser=a\\=b\\\\c\\r\\nd|e Zoë 🚀 src=');
    expect(out.text.split('\n')).to.have.length(1);
  });

  it('clamps severities onto 0–10', async () => {
    const sev = async (extra: object) => (await render(config, event('x.y', undefined, extra))).text.split('|')[6];
    expect(await sev({ severitynumber: 24 })).to.equal('10');
    expect(await sev({ severitynumber: 1 })).to.equal('0');
    const mapped = async (score: unknown) =>
      (await render({ ...config, mapping: { '>': { severity: '/data/score' } } }, event('x.y', { score }))).text.split('|')[6];
    expect(await mapped(42)).to.equal('10');
    expect(await mapped(-3)).to.equal('0');
    expect(await mapped(7.6)).to.equal('8');
  });
});
