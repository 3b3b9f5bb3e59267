import { expect } from 'chai';
import { hostname } from 'node:os';
import { breachAttempted, event, generic, loginFailed, render, USER_ID } from './fixtures.js';

const config = { format: 'syslog', syslog: { hostname: 'gw-1', appName: 'auth-gw' } };
const BOM = [0xef, 0xbb, 0xbf];

describe('siem plugin: syslog (RFC 5424)', () => {
  it('renders a failed login: PRI from facility auth and severity notice, SD elements, MSG', async () => {
    const out = await render(config, loginFailed());
    expect(out.text).to.equal(
      '<37>1 2025-03-21T03:12:44.000Z gw-1 auth-gw - security.login.failed ' +
        '[cloudevents@32473 id="evt-1" source="/auth/eu" type="security.login.failed"]' +
        '[siem@32473 category="authentication" activity="logon" outcome="failure" severity="5" ' +
        `user="ada.lovelace@analytical.io" userId="${USER_ID}" src="192.0.2.200" reason="invalid_password"] User logon`,
    );
  });

  it('renders a critical finding with a named facility and its own enterprise number', async () => {
    const out = await render({ format: 'syslog', syslog: { facility: 'local0', hostname: 'gw-1', enterpriseId: '4711.3' } }, breachAttempted('critical'));
    // local0 (16) * 8 + crit (2)
    expect(out.text.startsWith('<130>1 2025-03-21T03:12:44.000Z gw-1 cloudevents-gateway - security.breach.attempted [cloudevents@4711.3 ')).to.equal(true);
    expect(out.text).to.include('[siem@4711.3 category="finding" activity="detection" outcome="unknown" severity="9" src="2001:db8:ffff::1" reason="credential_stuffing"]');
  });

  it('takes a numeric facility', async () => {
    const out = await render({ format: 'syslog', syslog: { facility: 23 } }, generic());
    expect(out.text.startsWith('<190>1 ')).to.equal(true);
  });

  it('writes NILVALUE for absent time and PROCID, and the host name by default', async () => {
    const out = await render({ format: 'syslog' }, generic());
    const host = hostname().replace(/[^!-~]/g, '_').slice(0, 255) || '-';
    expect(out.text).to.equal(
      `<38>1 - ${host} cloudevents-gateway - invoice.paid ` +
        '[cloudevents@32473 id="evt-1" source="/auth/eu" type="invoice.paid"]' +
        '[siem@32473 category="other" activity="other" outcome="unknown" severity="1"] invoice.paid',
    );
  });

  it('keeps header fields printable US-ASCII and within their length limits', async () => {
    const long = `very.${'long.'.repeat(10)}type`;
    const out = await render({ format: 'syslog', syslog: { hostname: 'gw-1', appName: 'a' } }, event('user.créé 🚀'));
    expect(out.text.split(' ')[5]).to.equal('user.cr____'); // é, é, space, and the rocket as one code point
    const cut = await render({ format: 'syslog', syslog: { hostname: 'gw-1', appName: 'a' } }, event(long));
    expect(cut.text.split(' ')[5]).to.equal(long.slice(0, 32));
  });

  it('escapes quote, backslash and closing bracket in parameter values', async () => {
    const out = await render(config, loginFailed({ identifier: 'a"b\\c]d [x=y]' }));
    expect(out.text).to.include(' user="a\\"b\\\\c\\]d [x=y\\]" ');
  });

  it('starts a non-ASCII MSG with the UTF-8 BOM, and only then', async () => {
    const withNote = (note: string) =>
      render({ ...config, mapping: { '>': { message: '/data/note' } } }, event('x.y', { note }));
    const utf8 = (await withNote('Anmeldung für Jürgen')).bytes;
    const at = utf8.length - new TextEncoder().encode('Anmeldung für Jürgen').length - BOM.length;
    expect([...utf8.subarray(at, at + 3)]).to.deep.equal(BOM);
    expect([...utf8.subarray(at - 2, at)]).to.deep.equal([...new TextEncoder().encode('] ')]);
    const ascii = await withNote('plain text');
    expect(ascii.text.endsWith('] plain text')).to.equal(true);
    expect(ascii.text).not.to.include('\uFEFF');
  });

  it('frames with the octet count (bytes, not characters) when asked', async () => {
    const out = await render({ format: 'syslog', syslog: { hostname: 'gw-1', octetCounting: true } }, loginFailed({ identifier: 'Zoë 🚀' }));
    const space = out.text.indexOf(' ');
    const length = Number(out.text.slice(0, space));
    const message = out.bytes.subarray(new TextEncoder().encode(out.text.slice(0, space + 1)).length);
    expect(length).to.equal(message.length);
    expect(length).to.be.greaterThan(out.text.length - space - 1);
    expect(new TextDecoder().decode(message).startsWith('<37>1 ')).to.equal(true);
  });
});
