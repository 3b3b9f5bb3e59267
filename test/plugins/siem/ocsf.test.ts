import { expect } from 'chai';
import { ACTIVITY_NAMES } from '../../../plugins/siem/activity.js';
import { ADMIN_ID, breachAttempted, event, generic, loginFailed, renderJson, roleChanged, USER_ID, userDeleted } from './fixtures.js';

const config = { format: 'ocsf', vendor: 'Acme', product: 'Auth', productVersion: '2.1' };

describe('siem plugin: OCSF', () => {
  it('renders a failed login as Authentication / Logon', async () => {
    const out = await renderJson(config, loginFailed());
    expect(out).to.deep.include({
      class_uid: 3002,
      class_name: 'Authentication',
      category_uid: 3,
      activity_id: 1,
      activity_name: 'Logon',
      type_uid: 300201,
      time: Date.parse('2025-03-21T03:12:44Z'),
      severity_id: 3,
      severity: 'Medium',
      status_id: 2,
      status: 'Failure',
      status_detail: 'invalid_password',
    });
    expect(out.metadata).to.deep.equal({
      version: '1.3.0',
      uid: 'evt-1',
      event_code: 'security.login.failed',
      product: { name: 'Auth', vendor_name: 'Acme', version: '2.1' },
    });
    expect(out.user).to.deep.equal({ uid: USER_ID, name: 'ada.lovelace@analytical.io' });
    expect(out.src_endpoint).to.deep.equal({ ip: '192.0.2.200' });
    expect(JSON.parse(out.raw_data).id).to.equal('evt-1');
  });

  it('renders an account deletion as Account Change with actor and user', async () => {
    const out = await renderJson(config, userDeleted());
    expect(out).to.deep.include({ class_uid: 3001, category_uid: 3, activity_id: 6, type_uid: 300106, status_id: 1 });
    expect(out.actor).to.deep.equal({ user: { uid: ADMIN_ID, name: 'Dana Ops', email_addr: 'privacy@analytical.io' } });
    expect(out.user).to.deep.equal({ uid: USER_ID });
  });

  it('renders a role change as User Access Management with the new role as privilege', async () => {
    const out = await renderJson(config, roleChanged());
    expect(out).to.deep.include({ class_uid: 3005, activity_id: 1, type_uid: 300501, privileges: ['admin'] });
  });

  it('renders a breach attempt as a new Detection Finding', async () => {
    const out = await renderJson(config, breachAttempted('critical'));
    expect(out).to.deep.include({
      class_uid: 2004,
      category_uid: 2,
      category_name: 'Findings',
      activity_id: 1,
      type_uid: 200401,
      severity_id: 5,
      severity: 'Critical',
      status_id: 1,
      status: 'New',
    });
    expect(out.finding_info).to.deep.equal({ uid: 'evt-1', title: 'Security finding', types: ['security.breach.attempted'] });
    expect(out.src_endpoint).to.deep.equal({ ip: '2001:db8:ffff::1' });
  });

  it('falls back to Base Event, activity Other named after the type', async () => {
    const before = Date.now();
    const out = await renderJson(config, generic());
    expect(out).to.deep.include({
      class_uid: 0,
      class_name: 'Base Event',
      category_uid: 0,
      activity_id: 99,
      activity_name: 'invoice.paid',
      type_uid: 99,
      severity_id: 1,
      status_id: 0,
    });
    // no time in the event: the processing time stands in, since OCSF requires one
    expect(out.time).to.be.within(before, Date.now());
    expect(out).not.to.have.any.keys('actor', 'user', 'src_endpoint');
  });

  it('keeps type_uid = class_uid * 100 + activity_id and category_uid = class thousands for every activity', async () => {
    for (const activity of ACTIVITY_NAMES) {
      const out = await renderJson({ ...config, mapping: { '>': { activity } } }, event('any.thing'));
      expect(out.type_uid, activity).to.equal(out.class_uid * 100 + out.activity_id);
      expect(out.category_uid, activity).to.equal(Math.floor(out.class_uid / 1000));
      expect(out.type_name, activity).to.equal(`${out.class_name}: ${out.activity_name}`);
    }
  });

  it('maps the 0–10 scale onto severity_id', async () => {
    const ids = [];
    for (let severity = 0; severity <= 10; severity++) {
      ids.push((await renderJson({ ...config, mapping: { '>': { severity } } }, event('x.y'))).severity_id);
    }
    expect(ids).to.deep.equal([1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6]);
  });
});
