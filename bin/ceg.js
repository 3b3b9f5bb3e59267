#!/usr/bin/env -S node --max-semi-space-size=64
// The `ceg` command. The gateway runs its TypeScript through tsx, which also lets operators load
// TypeScript plugins from plugins/ without a build step.
// The larger young generation (V8 defaults to 16 MiB per semi-space) lets the objects of a delivery, which
// live for one HTTP round trip, die young instead of being promoted: at full load 32 MiB cut the gateway's CPU
// per delivery by about a seventh, and 64 MiB another ~5 % (~10 % with 1000 subscriptions, where more is in
// flight at once; `npm run bench`); 128 MiB gave no more. Started as `node bin/ceg.js`, Node's default applies.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
