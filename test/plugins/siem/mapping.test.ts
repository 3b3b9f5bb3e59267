import { expect } from 'chai';
import { compileMapping, type RuleSpec } from '../../../plugins/siem/mapping.js';
import { severityNames } from '../../../plugins/siem/severity.js';
import { ADMIN_ID, breachAttempted, event, generic, loginFailed, USER_ID, userDeleted } from './fixtures.js';

const map = (mapping: Record<string, RuleSpec> = {}, names: Record<string, number> = {}) => compileMapping(mapping, severityNames(names));

describe('siem plugin: mapping', () => {
  it('maps the built-in types from their schema field names', () => {
    const r = map()(userDeleted());
    expect(r).to.deep.include({ activity: 'account-delete', outcome: 'success', severity: 5, reason: 'gdpr_erasure', message: 'Account deleted' });
    expect(r.actor).to.deep.equal({ id: ADMIN_ID, name: 'Dana Ops', email: 'privacy@analytical.io' });
    expect(r.user).to.deep.equal({ id: USER_ID });
  });

  it('maps an event without data or time to the generic defaults', () => {
    const r = map()(generic());
    expect(r).to.deep.equal({ event: generic(), activity: 'other', severity: 1, outcome: 'unknown', message: 'invoice.paid' });
  });

  it('survives binary data', () => {
    const r = map()({ ...generic(), type: 'user.created', data_base64: 'AAEC' });
    expect(r.activity).to.equal('account-create');
    expect(r.user).to.equal(undefined);
  });

  it('prefers the event time, then the timestamp in the data', () => {
    expect(map()(loginFailed()).time?.toISOString()).to.equal('2025-03-21T03:12:44.000Z');
    const { time: _t, ...untimed } = loginFailed({ occurredAt: '2025-01-02T03:04:05.678+01:00' });
    expect(map()(untimed as never).time?.toISOString()).to.equal('2025-01-02T02:04:05.678Z');
    const { time: _u, ...garbled } = loginFailed({ occurredAt: 'yesterday' });
    expect(map()(garbled as never).time).to.equal(undefined);
  });

  it('takes the actor id from the auth context extension when the data names none', () => {
    expect(map()(event('rules.updated', {}, { authid: 'svc-deployer' })).actor).to.deep.equal({ id: 'svc-deployer' });
  });

  it('lets config rules override single fields and fall through for the rest', () => {
    const r = map({ 'security.login.*': { user: { name: '/data/attemptId' }, severity: 9, activity: 'detection' } })(loginFailed());
    expect(r).to.deep.include({ activity: 'detection', severity: 9, outcome: 'failure', srcIp: '192.0.2.200', reason: 'invalid_password' });
    expect(r.user).to.deep.equal({ id: USER_ID, name: '1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b' });
  });

  it('falls through to the defaults when a configured pointer finds nothing', () => {
    const r = map({ '>': { srcIp: ['/data/nope', '/data/alsoNope'], user: { name: '/data/missing' } } })(loginFailed());
    expect(r.srcIp).to.equal('192.0.2.200');
    expect(r.user?.name).to.equal('ada.lovelace@analytical.io');
  });

  it('tries rules in the order written', () => {
    const m = map({ 'security.login.failed': { message: '/data/reason' }, 'security.>': { message: '/data/identifier' } });
    expect(m(loginFailed()).message).to.equal('invalid_password');
  });

  it('reads outcomes from booleans and words', () => {
    const m = map({ 'x.*': { outcome: '/data/ok' } });
    expect(m(event('x.y', { ok: false })).outcome).to.equal('failure');
    expect(m(event('x.y', { ok: 'DENIED' })).outcome).to.equal('failure');
    expect(m(event('x.y', { ok: 'succeeded' })).outcome).to.equal('success');
    expect(m(event('x.y', { ok: 'maybe' })).outcome).to.equal('unknown');
  });

  it('unwraps IPv4-mapped IPv6 and ignores what is no address', () => {
    expect(map()(loginFailed({ client: { ip: '::ffff:203.0.113.7' } })).srcIp).to.equal('203.0.113.7');
    expect(map()(loginFailed({ client: { ip: 'localhost' } })).srcIp).to.equal(undefined);
  });

  it('joins lists of scalars and ignores objects', () => {
    const m = map({ '>': { reason: '/data/reasons', role: '/data/obj' } });
    const r = m(event('x.y', { reasons: ['document_expired', 'face_mismatch'], obj: { a: 1 } }));
    expect(r.reason).to.equal('document_expired,face_mismatch');
    expect(r.role).to.equal(undefined);
  });

  describe('severity', () => {
    it('uses the severity extension over the type default', () => {
      expect(map()(loginFailed({}, { severitynumber: 17 })).severity).to.equal(7); // ERROR band
      expect(map()(loginFailed({}, { severitytext: 'fatal' })).severity).to.equal(10);
      expect(map()(loginFailed({}, { severitynumber: 99 })).severity).to.equal(10);
      expect(map()(loginFailed()).severity).to.equal(5);
    });

    it('lets the severitynumber win over severitytext', () => {
      expect(map()(event('x.y', undefined, { severitynumber: 13, severitytext: 'FATAL' })).severity).to.equal(4);
    });

    it('lets the config win over the extension', () => {
      expect(map({ 'security.>': { severity: 2 } })(loginFailed({}, { severitynumber: 21 })).severity).to.equal(2);
    });

    it('reads level names from the data, with configured names', () => {
      expect(map()(breachAttempted('low')).severity).to.equal(3);
      expect(map()(breachAttempted('nonsense')).severity).to.equal(8); // the detection default
      const custom = map({ '>': { severity: '/data/level' } }, { sev1: 10, High: 6 });
      expect(custom(event('x.y', { level: 'SEV1' })).severity).to.equal(10);
      expect(custom(event('x.y', { level: 'high' })).severity).to.equal(6);
    });
  });
});
