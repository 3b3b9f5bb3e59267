#!/usr/bin/env node
// The `ceg` command. The gateway runs its TypeScript through tsx, which also lets operators load
// TypeScript plugins from plugins/ without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
