// OCSF (schema 1.3.0) JSON events. Each activity lands in a class: Authentication (3002), Account Change
// (3001), User Access Management (3005), Detection Finding (2004); what fits none (configuration
// changes, unknown types) is a Base Event (class 0, activity 99 "Other" with the event's own name).
// category_uid is the class's thousands digit and type_uid = class_uid * 100 + activity_id, as OCSF defines.
import type { Activity } from './activity.js';
import type { Party, SiemRecord } from './mapping.js';
import { jsonMessage, type FormatterFactory } from './message.js';

export const OCSF_VERSION = '1.3.0';

type ClassUid = 0 | 2004 | 3001 | 3002 | 3005;

const CLASSES: Record<ClassUid, { name: string; category: string }> = {
  0: { name: 'Base Event', category: 'Uncategorized' },
  2004: { name: 'Detection Finding', category: 'Findings' },
  3001: { name: 'Account Change', category: 'Identity & Access Management' },
  3002: { name: 'Authentication', category: 'Identity & Access Management' },
  3005: { name: 'User Access Management', category: 'Identity & Access Management' },
};

const OTHER = 99;

/** class, activity id and the activity's OCSF name (undefined: the event type names it, under 99 Other) */
const ACTIVITY_MAP: Record<Activity, [ClassUid, number, string | undefined]> = {
  logon: [3002, 1, 'Logon'],
  logoff: [3002, 2, 'Logoff'],
  // an OAuth token is no Kerberos ticket (activities 3–5), so it stays "Other" within Authentication
  'token-issue': [3002, OTHER, undefined],
  'account-create': [3001, 1, 'Create'],
  'account-update': [3001, OTHER, undefined],
  'account-delete': [3001, 6, 'Delete'],
  'password-change': [3001, 3, 'Password Change'],
  'account-lock': [3001, 9, 'Lock'],
  'mfa-enable': [3001, 10, 'MFA Factor Enable'],
  'privilege-change': [3005, 1, 'Assign Privileges'],
  detection: [2004, 1, 'Create'],
  'config-change': [0, OTHER, undefined],
  'credential-expire': [0, OTHER, undefined],
  other: [0, OTHER, undefined],
};

// OCSF severity_id: 1 Informational, 2 Low, 3 Medium, 4 High, 5 Critical, 6 Fatal
const SEVERITY_IDS = [1, 1, 2, 2, 3, 3, 3, 4, 4, 5, 6] as const;
const SEVERITY_NAMES = ['Unknown', 'Informational', 'Low', 'Medium', 'High', 'Critical', 'Fatal'] as const;

const STATUS = { unknown: [0, 'Unknown'], success: [1, 'Success'], failure: [2, 'Failure'] } as const;

function user(p: Party | undefined): object | undefined {
  return p && { uid: p.id, name: p.name, email_addr: p.email };
}

export const ocsf: FormatterFactory = (options) => {
  const product = { name: options.product, vendor_name: options.vendor, version: options.productVersion };
  return (r: SiemRecord) => {
    const [classUid, activityId, activityName = r.event.type] = ACTIVITY_MAP[r.activity];
    const cls = CLASSES[classUid];
    const severityId = SEVERITY_IDS[r.severity] ?? 0;
    // a finding's status is where it is in triage, not whether something succeeded
    const [statusId, status] = classUid === 2004 ? [1, 'New'] : STATUS[r.outcome];
    return jsonMessage({
      class_uid: classUid,
      class_name: cls.name,
      category_uid: Math.floor(classUid / 1000),
      category_name: cls.category,
      activity_id: activityId,
      activity_name: activityName,
      type_uid: classUid * 100 + activityId,
      type_name: `${cls.name}: ${activityName}`,
      // OCSF requires a time: without one from the event, the time it passed through here
      time: (r.time ?? new Date()).getTime(),
      severity_id: severityId,
      severity: SEVERITY_NAMES[severityId],
      status_id: statusId,
      status,
      status_detail: r.reason,
      message: r.message,
      metadata: {
        version: OCSF_VERSION,
        uid: r.event.id,
        event_code: r.event.type,
        product,
      },
      actor: r.actor && { user: user(r.actor) },
      user: user(r.user),
      src_endpoint: r.srcIp && { ip: r.srcIp },
      privileges: classUid === 3005 && r.role !== undefined ? [r.role] : undefined,
      finding_info: classUid === 2004 ? { uid: r.event.id, title: r.message, types: [r.event.type] } : undefined,
      unmapped: { source: r.event.source, subject: r.event.subject },
      raw_data: JSON.stringify(r.event),
    });
  };
};
