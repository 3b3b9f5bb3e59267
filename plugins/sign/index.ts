// Signs the exact outgoing body with the step context's active keys (each of them during rotation):
// Standard Webhooks (HMAC `v1` or ed25519 `v1a`), a timestamped HMAC header, or a plain HMAC header.
import { definePlugin, fail } from '../../src/pipeline/mod.js';
import {
  isEd25519SecretKey,
  isSymmetricSecret,
  signHmac,
  signStandardWebhook,
  signTimestamped,
} from '../../src/signing/mod.js';

export type SignScheme = 'standard-webhooks' | 'standard-webhooks-ed25519' | 'timestamped-hmac' | 'hmac';

export interface SignConfig {
  scheme: SignScheme;
  /** header carrying the signature: timestamped-hmac default `x-signature`, hmac default `x-hub-signature-256` */
  header?: string;
  /** put before each hex signature (hmac); `sha256=` with the default header, none with a custom one */
  prefix?: string;
}

const anySecret = (secret: string) => secret !== '';
// While a tenant migrates between HMAC and ed25519 both kinds of key are active; each scheme signs with its own.
const USABLE: Record<SignScheme, (secret: string) => boolean> = {
  'standard-webhooks': isSymmetricSecret,
  'standard-webhooks-ed25519': isEd25519SecretKey,
  'timestamped-hmac': anySecret,
  hmac: anySecret,
};

export default definePlugin<SignConfig>({
  name: 'sign',
  version: '1.0.0',
  stages: ['sign'],
  configSchema: {
    type: 'object',
    properties: {
      scheme: { enum: ['standard-webhooks', 'standard-webhooks-ed25519', 'timestamped-hmac', 'hmac'] },
      header: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
      prefix: { type: 'string' },
    },
    required: ['scheme'],
    additionalProperties: false,
  },
  setup(config) {
    const { scheme } = config;
    const header = (config.header ?? (scheme === 'hmac' ? 'x-hub-signature-256' : 'x-signature')).toLowerCase();
    // the default header is GitHub's, whose value carries the `sha256=` prefix
    const prefix = config.prefix ?? (config.header === undefined ? 'sha256=' : '');
    const usable = USABLE[scheme];
    return {
      sign(message, ctx) {
        const secrets = ctx.keys.map((k) => k.secret).filter(usable);
        if (secrets.length === 0) {
          return fail(`no active ${scheme} signing key for ${ctx.owner.kind} ${ctx.owner.id}`, { retryable: false });
        }
        const body = message.body;
        switch (scheme) {
          case 'standard-webhooks':
          case 'standard-webhooks-ed25519':
            return signStandardWebhook({ id: ctx.deliveryId, body, secrets });
          case 'timestamped-hmac':
            return { [header]: signTimestamped({ body, secrets }) };
          case 'hmac':
            return { [header]: signHmac({ body, secrets, prefix }) };
        }
      },
    };
  },
});
