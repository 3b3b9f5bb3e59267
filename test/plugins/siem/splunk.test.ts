import { expect } from 'chai';
import { breachAttempted, generic, loginFailed, render, renderJson, USER_ID } from './fixtures.js';

describe('siem plugin: Splunk HEC', () => {
  it('wraps a failed login in the HEC envelope with epoch-second time and CIM fields', async () => {
    const config = { format: 'splunk-hec', vendor: 'Acme', product: 'Auth', splunk: { index: 'security', sourcetype: 'acme:auth', host: 'gw-1', source: 'auth-eu' } };
    const out = await render(config, loginFailed({}, { time: '2025-03-21T03:12:44.123Z' }));
    expect(out.headers['content-type']).to.equal('application/json');
    const body = JSON.parse(out.text);
    expect(body).to.deep.include({ time: 1742526764.123, host: 'gw-1', source: 'auth-eu', sourcetype: 'acme:auth', index: 'security' });
    const { cloudevent, ...fields } = body.event;
    expect(fields).to.deep.equal({
      action: 'failure',
      category: 'authentication',
      activity: 'logon',
      severity: 5,
      signature: 'User logon',
      signature_id: 'security.login.failed',
      user: 'ada.lovelace@analytical.io',
      user_id: USER_ID,
      src: '192.0.2.200',
      reason: 'invalid_password',
      vendor_product: 'Acme Auth',
    });
    expect(cloudevent.data.attemptId).to.equal('1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b');
  });

  it('renders a security finding with defaults: source from the event, no index or host', async () => {
    const body = await renderJson({ format: 'splunk-hec' }, breachAttempted('low'));
    expect(body).to.include({ source: '/auth/eu', sourcetype: 'cloudevents' });
    expect(body).not.to.have.any.keys('index', 'host');
    expect(body.event).to.include({ category: 'finding', severity: 3, action: 'unknown' });
  });

  it('leaves out time when the event has none, so HEC stamps its receipt time', async () => {
    const body = await renderJson({ format: 'splunk-hec' }, generic());
    expect(body).not.to.have.property('time');
    expect(body.event).to.include({ category: 'other', signature_id: 'invoice.paid', severity: 1 });
    expect(body.event.cloudevent).not.to.have.property('data');
  });
});
