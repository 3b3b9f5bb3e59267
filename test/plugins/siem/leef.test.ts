import { expect } from 'chai';
import { breachAttempted, event, generic, loginFailed, render, sessionCreated, USER_ID } from './fixtures.js';

const config = { format: 'leef', vendor: 'Acme', product: 'Auth', productVersion: '2.1' };

/** Header fields up to the delimiter field, and the attributes as key -> value. */
function parse(text: string, delimiter: string) {
  const header = text.split('|').slice(0, 6);
  const rest = text.slice(header.join('|').length + 1);
  const attributes = new Map(rest.split(delimiter).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  return { header, attributes };
}

describe('siem plugin: LEEF 2.0', () => {
  it('renders a session start with the tab delimiter declared as x09', async () => {
    const out = await render(config, sessionCreated());
    expect(out.text.startsWith('LEEF:2.0|Acme|Auth|2.1|session.created|x09|devTime=')).to.equal(true);
    const { attributes } = parse(out.text, '\t');
    expect(Object.fromEntries(attributes)).to.deep.include({
      devTime: '2025-03-21T03:12:44.000+0000',
      devTimeFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
      cat: 'authentication',
      sev: '2',
      outcome: 'success',
      usrName: USER_ID,
      src: '198.51.100.23',
      isLoginEvent: 'true',
      externalId: 'evt-1',
    });
  });

  it('renders a failed login as no login event, with the typed identifier as usrName', async () => {
    const { attributes } = parse((await render(config, loginFailed())).text, '\t');
    expect(attributes.get('usrName')).to.equal('ada.lovelace@analytical.io');
    expect(attributes.get('outcome')).to.equal('failure');
    expect(attributes.has('isLoginEvent')).to.equal(false);
  });

  it('renders a security finding with a configured caret delimiter', async () => {
    const out = await render({ ...config, leef: { delimiter: '^' } }, breachAttempted('high'));
    expect(out.text.startsWith('LEEF:2.0|Acme|Auth|2.1|security.breach.attempted|^|')).to.equal(true);
    const { attributes } = parse(out.text, '^');
    expect(attributes.get('cat')).to.equal('finding');
    expect(attributes.get('sev')).to.equal('8');
    expect(attributes.get('src')).to.equal('2001:db8:ffff::1');
  });

  it('accepts the delimiter as a hex code and declares a printable one as itself', async () => {
    for (const delimiter of ['x5E', '0x5e']) {
      const out = await render({ ...config, leef: { delimiter } }, sessionCreated());
      expect(out.text).to.match(/^LEEF:2\.0\|Acme\|Auth\|2\.1\|session\.created\|\^\|devTime=[^\^]+\^devTimeFormat=/);
    }
  });

  it('keeps the delimiter and line breaks out of values', async () => {
    const tabbed = parse((await render(config, loginFailed({ identifier: 'a\tb\nc=d' }))).text, '\t');
    expect(tabbed.attributes.get('usrName')).to.equal('a b c=d');
    const careted = parse((await render({ ...config, leef: { delimiter: '^' } }, loginFailed({ identifier: 'x^y\tz ü' }))).text, '^');
    expect(careted.attributes.get('usrName')).to.equal('x y\tz ü');
  });

  it('replaces spaces in values when the delimiter is a space', async () => {
    const out = await render({ ...config, leef: { delimiter: 'x20' } }, loginFailed({ identifier: 'Ada Lovelace' }));
    expect(out.text).to.include('|x20|');
    expect(parse(out.text, ' ').attributes.get('usrName')).to.equal('Ada_Lovelace');
  });

  it('escapes pipes in header fields', async () => {
    const out = await render({ ...config, product: 'Auth|Edge' }, event('a|b'));
    expect(out.text.startsWith('LEEF:2.0|Acme|Auth\\|Edge|2.1|a\\|b|x09|')).to.equal(true);
  });

  it('renders an event without time or data: no devTime, sev at least 1', async () => {
    const { attributes } = parse((await render(config, { ...generic(), severitytext: 'DEBUG' })).text, '\t');
    expect(attributes.has('devTime')).to.equal(false);
    expect(attributes.has('devTimeFormat')).to.equal(false);
    expect(attributes.get('sev')).to.equal('1');
    expect(attributes.get('cat')).to.equal('other');
    expect(attributes.get('msg')).to.equal('invoice.paid');
  });
});
