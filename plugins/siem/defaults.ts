// Built-in mapping for the auth and security event families, written in the same shape as the config's
// `mapping` (which is consulted first). Field names follow the schemas in schemas/: camelCase ids, an
// `actor` object, the network client under `client`, one timestamp per type named after its verb.
// Types that report a completed change succeed; findings and unknown types leave the outcome unknown.
import type { RuleSpec } from './mapping.js';

export const DEFAULT_MAPPING: Readonly<Record<string, RuleSpec>> = {
  'user.created': { activity: 'account-create', outcome: 'success', user: { name: '/data/name' }, time: '/data/createdAt' },
  'user.updated': { activity: 'account-update', outcome: 'success', time: '/data/updatedAt' },
  'user.deleted': { activity: 'account-delete', outcome: 'success', time: '/data/deletedAt' },
  'user.password.changed': { activity: 'password-change', outcome: 'success', reason: '/data/method', time: '/data/changedAt' },
  'session.created': { activity: 'logon', outcome: 'success', time: '/data/createdAt' },
  'session.revoked': { activity: 'logoff', outcome: 'success', time: '/data/revokedAt' },
  // `identifier` is what was typed at the prompt; it names the account even when no user matched
  'security.login.failed': {
    activity: 'logon',
    outcome: 'failure',
    severity: 5,
    user: { name: '/data/identifier' },
    time: '/data/occurredAt',
  },
  'security.breach.attempted': {
    activity: 'detection',
    severity: '/data/severity',
    reason: '/data/technique',
    srcIp: '/data/sources/0/ip',
    time: '/data/detectedAt',
  },
  'security.account.locked': { activity: 'account-lock', outcome: 'success', time: '/data/lockedAt' },
  'security.mfa.enrolled': { activity: 'mfa-enable', outcome: 'success', reason: '/data/factorType', time: '/data/enrolledAt' },
  'member.role.changed': { activity: 'privilege-change', outcome: 'success', time: '/data/changedAt' },
  'oauth.token.issued': { activity: 'token-issue', outcome: 'success', reason: '/data/grantType', time: '/data/issuedAt' },
  'connection.expired': { activity: 'credential-expire', reason: '/data/credential', time: '/data/expiredAt' },
  'rules.updated': { activity: 'config-change', outcome: 'success', time: '/data/updatedAt' },
  'kyc.verification.failed': {
    activity: 'detection',
    outcome: 'failure',
    severity: 6,
    user: { id: '/data/subjectId' },
    reason: '/data/reasons',
    time: '/data/failedAt',
  },
  'compliance.screening.flagged': {
    activity: 'detection',
    user: { id: '/data/subjectId' },
    time: '/data/flaggedAt',
  },
  // common names, for every type; `authid` is the CloudEvents auth context extension
  '>': {
    actor: { id: ['/data/actor/id', '/authid'], name: '/data/actor/name', email: '/data/actor/email' },
    user: { id: '/data/userId', email: '/data/email' },
    srcIp: '/data/client/ip',
    reason: '/data/reason',
    role: '/data/role',
  },
};
