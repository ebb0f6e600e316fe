// A separate process that updates sidecars, for the cross-process tests. Usage:
//   mark <image> <token>              one locked update appending <token> to the sidecar's `marks`
//   raw-mark <image> <token>          the same without the lock (read, then plain atomic write): the control
//   random <seed> <n> <tag> <image>…  n locked updates of random images; prints each token once written
import { readSidecar, updateSidecar, writeSidecar } from '../../src/core/sidecarStore';
import { newSidecar } from '../../src/core/sidecar';
import * as path from 'node:path';

const SHA = '0'.repeat(64);
const mark = (token: string) => (cur: Awaited<ReturnType<typeof readSidecar>>) => {
  const base = cur ?? newSidecar({ name: 'x', sha256: SHA, size: 0 });
  return { ...base, marks: [...((base.marks as string[] | undefined) ?? []), token] };
};

async function main(argv: string[]) {
  const [mode, ...rest] = argv;
  if (mode === 'mark') {
    await updateSidecar(rest[0], mark(rest[1]));
  } else if (mode === 'raw-mark') {
    const cur = await readSidecar(rest[0]);
    const next = mark(rest[1])(cur);
    const { testHooks } = await import('../../src/core/fileLock');
    await testHooks.beforeCommit?.(rest[0]);
    await writeSidecar(rest[0], next);
  } else if (mode === 'random') {
    let s = Number(rest[0]) >>> 0;
    const rand = () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
    const n = Number(rest[1]);
    const tag = rest[2];
    const images = rest.slice(3);
    // A few updates in flight at once inside this process too, as the panel and a run do.
    let next = 0;
    const worker = async () => {
      while (next < n) {
        const i = next++;
        const img = images[Math.floor(rand() * images.length)];
        const token = `${tag}-${i}`;
        await updateSidecar(img, mark(token));
        process.stdout.write(`${path.basename(img)} ${token}\n`);
      }
    };
    await Promise.all([worker(), worker(), worker()]);
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

main(process.argv.slice(2)).catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
