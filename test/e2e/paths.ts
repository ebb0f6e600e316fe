// Where things live for the end-to-end tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** code-server as installed by test/e2e/setup.sh. */
export const CODE_SERVER_DIR = path.join(REPO_ROOT, '.e2e', 'code-server', 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
/** Screenshots and logs a person can look at after a run (git-ignored). */
export const OUTPUT_DIR = process.env.E2E_OUTPUT_DIR ?? path.join(REPO_ROOT, 'test-output', 'e2e');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Parent of every temp dir the harness makes. run.sh / runner.ts point E2E_TMP_ROOT at a
 * per-run dir that they delete at the end, whatever happened.
 */
export function tmpRoot(): string {
  const root = process.env.E2E_TMP_ROOT ?? os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  return root;
}
