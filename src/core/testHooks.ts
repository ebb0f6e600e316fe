// Test-only hooks, switched on by the environment of a test's child process (never set in use):
//   IMAGE_TRIAGE_TEST_HOOK_DIR=<dir>  writes <dir>/busy-<pid> when this process finds a sidecar locked;
//   IMAGE_TRIAGE_TEST_PAUSE=1         also pauses every sidecar write between read and rename, and every
//                                     image an export places: writes <dir>/paused-<pid> and waits for
//                                     <dir>/resume-<pid>;
//   IMAGE_TRIAGE_TEST_ENOSPC=1        every sidecar write fails as on a full disk (where no small
//                                     tmpfs can be mounted to fill for real);
//   (with the dir alone)              the panel's answer to a detail request waits while
//                                     <dir>/hold-detail exists.
import { existsSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { testHooks } from './fileLock';

export function installEnvTestHooks(env = process.env): void {
  const dir = env.IMAGE_TRIAGE_TEST_HOOK_DIR;
  if (!dir) return;
  testHooks.onLockBusy = () => writeFileSync(path.join(dir, `busy-${process.pid}`), '');
  testHooks.beforeDetail = async () => {
    while (existsSync(path.join(dir, 'hold-detail'))) await new Promise((r) => setTimeout(r, 10));
  };
  if (env.IMAGE_TRIAGE_TEST_ENOSPC === '1') {
    testHooks.beforeCommit = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    };
    return;
  }
  if (env.IMAGE_TRIAGE_TEST_PAUSE !== '1') return;
  const pause = async () => {
    writeFileSync(path.join(dir, `paused-${process.pid}`), '');
    const resume = path.join(dir, `resume-${process.pid}`);
    while (!existsSync(resume)) await new Promise((r) => setTimeout(r, 10));
  };
  testHooks.beforeCommit = pause;
  testHooks.beforeExportItem = pause;
}
