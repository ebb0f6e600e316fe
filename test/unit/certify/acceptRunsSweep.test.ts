// A killed `accept --undo` can leave its temp file in .image-triage/accept-runs: the next accept or undo removes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RUNS_DIR, undoAutoAccept } from '../../../src/core/certify/autoAccept';
import { hostTag } from '../../../src/core/atomicWrite';

test("a dead process's temp file in the accept-runs folder is removed by the next undo, even one that fails", async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'runs-sweep-'));
  const dir = path.join(root, RUNS_DIR);
  await fs.mkdir(dir, { recursive: true });
  const stale = path.join(dir, `.aa-20261201013000-1a2b3c.undone.json.999999@${hostTag()}.8e41e7b2.tmp`);
  const journal = path.join(dir, 'aa-2.jsonl.keep');
  await fs.writeFile(stale, '{');
  await fs.writeFile(journal, 'x');
  await assert.rejects(undoAutoAccept(root, 'aa-20261201013000-1a2b3c'), /no auto-accept run aa-20261201013000-1a2b3c/);
  assert.deepEqual(await fs.readdir(dir), ['aa-2.jsonl.keep']);
  await fs.rm(root, { recursive: true, force: true });
});
