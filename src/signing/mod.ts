// Webhook signing for the `sign` plugin and the delivery engine, and the matching checks for receivers.
export {
  generateKeyPair,
  generateSecret,
  isEd25519PublicKey,
  isEd25519SecretKey,
  isSymmetricSecret,
} from './keys.js';
export {
  signStandardWebhook,
  verifyStandardWebhook,
  type StandardWebhookHeaders,
  type StandardWebhookInput,
} from './standard.js';
export { signTimestamped, verifyTimestamped, type TimestampedInput } from './timestamped.js';
export { signHmac, verifyHmac, type HmacInput } from './hmac.js';
export {
  DEFAULT_TOLERANCE_SEC,
  type Body,
  type IncomingHeaders,
  type VerifyFailure,
  type VerifyOptions,
  type VerifyResult,
} from './verify.js';
