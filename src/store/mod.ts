// The storage layer's public face.
export type * from './types.js';
export { openStore, DEFAULT_EMBEDDED_PATH, type StoreConfig, type OpenStoreOptions } from './open.js';
export { KeyRing, loadKeyRing, type EncryptionConfig } from './crypto.js';
export { generateApiKey, apiKeyPrefix, hashApiKey, verifyApiKey, type GeneratedApiKey } from './apikey.js';
export { newId } from './id.js';
