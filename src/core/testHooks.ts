// Test-only hooks, switched on by the environment of a test's child process (never set in use):
//   IMAGE_TRIAGE_TEST_HOOK_DIR=<dir>  writes <dir>/busy-<pid> when this process finds a sidecar locked;
//   IMAGE_TRIAGE_TEST_PAUSE=1         also pauses every sidecar write between read and rename: writes
//                                     <dir>/paused-<pid> and waits for <dir>/resume-<pid>.
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { testHooks } from './fileLock';

export function installEnvTestHooks(env = process.env): void {
  const dir = env.IMAGE_TRIAGE_TEST_HOOK_DIR;
  if (!dir) return;
  testHooks.onLockBusy = () => writeFileSync(path.join(dir, `busy-${process.pid}`), '');
  if (env.IMAGE_TRIAGE_TEST_PAUSE !== '1') return;
  testHooks.beforeCommit = async () => {
    writeFileSync(path.join(dir, `paused-${process.pid}`), '');
    const resume = path.join(dir, `resume-${process.pid}`);
    while (!existsSync(resume)) await new Promise((r) => setTimeout(r, 10));
  };
}
