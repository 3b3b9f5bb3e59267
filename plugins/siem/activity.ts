// The neutral vocabulary between CloudEvent types and SIEM formats: mapping.ts turns an event into one
// of these activities, and every format translates activities through a table typed against this one,
// so adding an activity fails to compile until each format says what it means there.

export type Family = 'authentication' | 'account' | 'access' | 'finding' | 'configuration' | 'other';

interface ActivityInfo {
  family: Family;
  /** human-readable name, the default event message */
  label: string;
  /** severity on the 0–10 scale when neither the config, the event nor its type says otherwise */
  severity: number;
}

export const ACTIVITIES = {
  logon: { family: 'authentication', label: 'User logon', severity: 2 },
  logoff: { family: 'authentication', label: 'User logoff', severity: 1 },
  'token-issue': { family: 'authentication', label: 'Access token issued', severity: 1 },
  'account-create': { family: 'account', label: 'Account created', severity: 3 },
  'account-update': { family: 'account', label: 'Account updated', severity: 2 },
  'account-delete': { family: 'account', label: 'Account deleted', severity: 5 },
  'password-change': { family: 'account', label: 'Password changed', severity: 4 },
  'account-lock': { family: 'account', label: 'Account locked', severity: 7 },
  'mfa-enable': { family: 'account', label: 'MFA factor enrolled', severity: 3 },
  'privilege-change': { family: 'access', label: 'Privileges changed', severity: 5 },
  detection: { family: 'finding', label: 'Security finding', severity: 8 },
  'config-change': { family: 'configuration', label: 'Configuration changed', severity: 4 },
  'credential-expire': { family: 'configuration', label: 'Credential expired', severity: 6 },
  other: { family: 'other', label: 'Event', severity: 1 },
} as const satisfies Record<string, ActivityInfo>;

export type Activity = keyof typeof ACTIVITIES;

export const ACTIVITY_NAMES = Object.keys(ACTIVITIES) as Activity[];

export function familyOf(activity: Activity): Family {
  return ACTIVITIES[activity].family;
}
