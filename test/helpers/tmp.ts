// Temporary directories for tests that outlive one test (gateway data, config files, child processes' state):
// removed when the test process exits, failed tests included, so repeated runs do not fill the machine's /tmp
// (a soak run alone leaves ~75 MB).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const made: string[] = [];
process.once('exit', () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty directory `<tmp>/ceg-<name>-XXXXXX`, removed at exit. */
export function tempDir(name: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `ceg-${name}-`));
  made.push(dir);
  return dir;
}
