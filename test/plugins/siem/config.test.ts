import { expect } from 'chai';
import siem from '../../../plugins/siem/index.js';
import { ErrorCodes, type GatewayError } from '../../../src/errors.js';
import { runPlugin } from '../../../src/pipeline/testkit.js';
import { loginFailed, render } from './fixtures.js';

const AT = '/pipeline/0/config';

async function rejection(config: unknown): Promise<GatewayError> {
  try {
    await runPlugin(siem, config, loginFailed());
  } catch (err) {
    return err as GatewayError;
  }
  throw new Error('the config was accepted');
}

async function pointers(config: unknown): Promise<string[]> {
  const err = await rejection(config);
  expect(err.code).to.equal(ErrorCodes.PLUGIN_CONFIG_INVALID);
  return err.violations.map((v) => v.pointer);
}

describe('siem plugin: config', () => {
  it('requires a known format', async () => {
    expect(await pointers({})).to.include(`${AT}/format`);
    expect(await pointers({ format: 'gelf' })).to.include(`${AT}/format`);
  });

  it('rejects unknown keys and out-of-range severities', async () => {
    expect(await pointers({ format: 'cef', colour: 'red' })).to.include(`${AT}/colour`);
    expect(await pointers({ format: 'cef', mapping: { '>': { severity: 11 } } })).to.include(`${AT}/mapping/>/severity`);
    expect(await pointers({ format: 'cef', severityNames: { huge: 12 } })).to.include(`${AT}/severityNames/huge`);
  });

  it('rejects pointers that are no JSON pointers and unknown activities', async () => {
    expect(await pointers({ format: 'cef', mapping: { '>': { srcIp: 'data/ip' } } })).to.include(`${AT}/mapping/>/srcIp`);
    expect(await pointers({ format: 'cef', mapping: { '>': { activity: 'teleport' } } })).to.include(`${AT}/mapping/>/activity`);
  });

  it('rejects malformed type patterns, pointing at the key', async () => {
    expect(await pointers({ format: 'cef', mapping: { 'user..created': { severity: 3 }, 'a.>.b': {} } })).to.deep.equal([
      `${AT}/mapping/user..created`,
      `${AT}/mapping/a.>.b`,
    ]);
  });

  it('rejects a LEEF delimiter that cannot separate attributes', async () => {
    for (const delimiter of ['=', 'x3D', '|', 'a', '0x0A', 'ab']) {
      expect(await pointers({ format: 'leef', leef: { delimiter } }), delimiter).to.include(`${AT}/leef/delimiter`);
    }
  });

  it('rejects a section meant for another format', async () => {
    expect(await pointers({ format: 'cef', syslog: { facility: 'auth' } })).to.deep.equal([`${AT}/syslog`]);
    expect(await pointers({ format: 'syslog', splunk: { index: 'main' } })).to.deep.equal([`${AT}/splunk`]);
  });

  it('rejects syslog header values outside RFC 5424 limits and unknown facilities', async () => {
    expect(await pointers({ format: 'syslog', syslog: { appName: 'has space' } })).to.include(`${AT}/syslog/appName`);
    expect(await pointers({ format: 'syslog', syslog: { appName: 'a'.repeat(49) } })).to.include(`${AT}/syslog/appName`);
    expect(await pointers({ format: 'syslog', syslog: { facility: 'local9' } })).to.include(`${AT}/syslog/facility`);
    expect(await pointers({ format: 'syslog', syslog: { facility: 24 } })).to.include(`${AT}/syslog/facility`);
  });

  it('accepts a complete config', async () => {
    const out = await render(
      {
        format: 'syslog',
        vendor: 'Acme',
        product: 'Auth',
        productVersion: '2.1',
        severityNames: { sev1: 10 },
        mapping: { 'security.>': { severity: ['/data/level', '/severitytext'], outcome: 'failure', actor: { id: '/authid' } } },
        syslog: { facility: 'local3', appName: 'auth', hostname: 'gw-1', procId: '42', enterpriseId: '32473', octetCounting: false },
      },
      loginFailed({ level: 'SEV1' }),
    );
    // local3 (19) * 8 + alert (1) for severity 10
    expect(out.text.startsWith('<153>1 2025-03-21T03:12:44.000Z gw-1 auth 42 security.login.failed ')).to.equal(true);
  });
});
