import { expect } from 'chai';
import { ADMIN_ID, breachAttempted, generic, loginFailed, renderJson, roleChanged, sessionCreated, USER_ID, userDeleted } from './fixtures.js';

const config = { format: 'ecs', vendor: 'Acme', product: 'Auth Cloud', productVersion: '2.1' };

describe('siem plugin: ECS', () => {
  it('renders a session start as an authentication event with array categories', async () => {
    const out = await renderJson(config, sessionCreated());
    expect(out['@timestamp']).to.equal('2025-03-21T03:12:44.000Z');
    expect(out.ecs).to.deep.equal({ version: '8.11.0' });
    expect(out.message).to.equal('User logon');
    const { original, ...event } = out.event;
    expect(event).to.deep.equal({
      kind: 'event',
      category: ['authentication', 'session'],
      type: ['start'],
      outcome: 'success',
      action: 'session.created',
      id: 'evt-1',
      provider: '/auth/eu',
      module: 'auth_cloud',
      dataset: 'auth_cloud.authentication',
      severity: 2,
    });
    expect(JSON.parse(original).type).to.equal('session.created');
    expect(out.user).to.deep.equal({ id: USER_ID });
    expect(out.source).to.deep.equal({ ip: '198.51.100.23' });
  });

  it('renders a failed login with outcome failure and the reason', async () => {
    const out = await renderJson(config, loginFailed());
    expect(out.event).to.deep.include({ outcome: 'failure', reason: 'invalid_password' });
    expect(out.user).to.deep.equal({ id: USER_ID, name: 'ada.lovelace@analytical.io' });
  });

  it('puts the acting admin in user and the deleted account in user.target', async () => {
    const out = await renderJson(config, userDeleted());
    expect(out.event).to.deep.include({ category: ['iam'], type: ['user', 'deletion'] });
    expect(out.user).to.deep.equal({
      id: ADMIN_ID,
      name: 'Dana Ops',
      email: 'privacy@analytical.io',
      target: { id: USER_ID },
    });
  });

  it('gives the target its new role', async () => {
    const out = await renderJson(config, roleChanged());
    expect(out.user.target).to.deep.equal({ id: USER_ID, roles: ['admin'] });
  });

  it('renders a breach attempt as an alert', async () => {
    const out = await renderJson(config, breachAttempted('medium'));
    expect(out.event).to.deep.include({ kind: 'alert', category: ['intrusion_detection'], type: ['info'], outcome: 'unknown', severity: 5 });
  });

  it('renders an unknown type without time or data', async () => {
    const before = Date.now();
    const out = await renderJson(config, generic());
    expect(Date.parse(out['@timestamp'])).to.be.within(before, Date.now());
    expect(out.event).not.to.have.any.keys('category', 'type');
    expect(out.event).to.deep.include({ kind: 'event', outcome: 'unknown', action: 'invoice.paid', dataset: 'auth_cloud.other' });
    expect(out).not.to.have.any.keys('user', 'source');
  });

  it('drops a source address that is no IP, which would make the index reject the document', async () => {
    const out = await renderJson(config, loginFailed({ client: { ip: '999.1.1.1' } }));
    expect(out).not.to.have.property('source');
  });
});
