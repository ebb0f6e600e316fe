// The bad-input kinds that need a run of their own: a disk-full write (a small tmpfs where the machine
// allows mounting one, else an injected ENOSPC), categories files (a BOM, duplicate keys, 10 MB of text)
// and VLM answers (empty, 5 MB, not UTF-8, after the timeout). Each gets a clear message; the runs go on.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { cli } from '../../support/cli';
import { readSidecar } from '../../../src/core/sidecarStore';
import { isLeftoverName } from '../../../src/core/leftovers';
import { startServer, type RecordedRequest, type Reply } from '../vlm/fakeServer';

const COLOURS = ['red', 'green', 'blue', 'yellow'];
const tmp: string[] = [];
const mounts: string[] = [];
after(async () => {
  for (const m of mounts) spawnSync('umount', [m]);
  await Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true })));
});
const dir = async (p: string) => {
  const d = await tempDir(p);
  tmp.push(d);
  return d;
};
const catsJson = (extra = '') => `{ "mode": "single_label", ${extra}"categories": [${COLOURS.map((c) => `{ "name": "${c}", "description": "a ${c} image" }`).join(', ')}] }`;
const summaryOf = (out: string) => JSON.parse(out.trim().split('\n').at(-1)!) as { classified: number; failed: number; errors: { relPath: string; message: string }[] };

test('disk full: every sidecar write fails with "no space left on device", nothing half-written, a rerun with space completes', { timeout: 180_000 }, async () => {
  const root = await dir('bad-full-');
  const cache = await dir('bad-full-cache-');
  const model = await tinyModel('clip');
  // A 256 KB tmpfs, filled to the last byte, where the machine lets us mount one; else (or with
  // E2E_NO_TMPFS=1) an injected ENOSPC.
  const mounted = !process.env.E2E_NO_TMPFS && process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', root]).status === 0;
  if (mounted) mounts.push(root);
  for (const [i, c] of COLOURS.entries()) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 30 + i));
  await fs.writeFile(path.join(root, 'categories.json'), catsJson());
  const filler = path.join(root, '.filler');
  const env: NodeJS.ProcessEnv = {};
  if (mounted) {
    const fh = await fs.open(filler, 'w');
    try {
      for (;;) await fh.write(Buffer.alloc(4096));
    } catch (e) {
      assert.equal((e as NodeJS.ErrnoException).code, 'ENOSPC');
    } finally {
      await fh.close();
    }
  } else {
    env.IMAGE_TRIAGE_TEST_HOOK_DIR = await dir('bad-full-hooks-');
    env.IMAGE_TRIAGE_TEST_ENOSPC = '1';
  }
  // The built CLI in its own process: the injected ENOSPC is switched on by its environment.
  const p = spawnSync(process.execPath, [path.resolve(__dirname, '../../../dist/cli.js'), 'classify', root, '--model', model, '--cache-dir', cache, '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const r = { code: p.status, out: p.stdout, err: p.stderr };
  assert.equal(r.code, 2, r.err);
  const s = summaryOf(r.out);
  assert.equal(s.failed, COLOURS.length);
  for (const e of s.errors) assert.match(e.message, /ENOSPC|no space left on device/i, e.relPath);
  const names = await fs.readdir(root);
  assert.deepEqual(names.filter((n) => n.endsWith('.labels.json') || isLeftoverName(n)), [], 'no sidecar and no temp file left');
  await fs.rm(filler, { force: true });
  const again = await cli(['classify', root, '--model', model, '--cache-dir', cache, '--json']);
  assert.equal(again.code, 0, again.err);
  for (const c of COLOURS) assert.ok((await readSidecar(path.join(root, `${c}.png`)))?.predictions['zero-shot']);
  console.log(`  disk full via ${mounted ? 'a 256 KB tmpfs' : 'an injected ENOSPC'}: ${s.errors[0].message}`);
});

test('categories files: a BOM is read, duplicate keys are named, 10 MB of text is refused (exit 1, nothing written)', async () => {
  const root = await dir('bad-cats-');
  await fs.writeFile(path.join(root, 'red.png'), await solidColorPng('red', 30));
  const model = await tinyModel('clip');
  const cache = await dir('bad-cats-cache-');
  const cases: { kind: string; text: string; code: number; expect: RegExp }[] = [
    { kind: 'categories file with a BOM', text: '\uFEFF' + catsJson(), code: 0, expect: /Done: 1 images/ },
    { kind: 'categories file with duplicate keys', text: catsJson('"mode": "multi_label", '), code: 0, expect: /key "mode" appears twice in one object; the last one is used/ },
    { kind: 'categories file of 10 MB', text: catsJson().replace('a red image', 'x'.repeat(10 * 1024 * 1024)), code: 1, expect: /the file is 10\.0 MB; the limit is 1 MB/ },
  ];
  for (const c of cases) {
    const file = path.join(root, 'cats.json');
    await fs.writeFile(file, c.text);
    const r = await cli(['classify', root, '--categories', file, '--model', model, '--cache-dir', cache, '--force']);
    assert.equal(r.code, c.code, `${c.kind}: ${r.err}`);
    assert.match(r.out + r.err, c.expect, c.kind);
    if (c.code) assert.deepEqual((await fs.readdir(root)).filter((n) => n.endsWith('.labels.json')).length, 1, 'nothing more written');
    console.log(`  ${c.kind}: ${(r.out + r.err).split('\n').find((l) => c.expect.test(l))}`);
  }
});

test('VLM answers that are empty, 5 MB long, not UTF-8 or after the timeout: a clear error each, the good image classified', { timeout: 180_000 }, async () => {
  const root = await dir('bad-vlm-');
  // The image's width tells the fake server which answer to give (the VLM receives the image).
  const kinds: Record<number, { kind: string; rel: string; reply: Reply; expect: RegExp }> = {
    40: { kind: 'VLM answer empty', rel: 'a-empty.png', reply: { content: '' }, expect: /the answer is empty/ },
    41: { kind: 'VLM answer 5 MB long', rel: 'b-huge.png', reply: { content: '{"category_scores": {"red": 5}, "decision_basis": "' + 'x'.repeat(5 * 1024 * 1024) + '"}' }, expect: /over the 200000 limit/ },
    42: { kind: 'VLM answer not UTF-8', rel: 'c-binary.png', reply: { body: Buffer.concat([Buffer.from('{"choices":[{"message":{"role":"assistant","content":"'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), Buffer.from('"}}]}')]) }, expect: /no JSON object|not valid UTF-8/ },
    43: { kind: 'VLM answer after the timeout', rel: 'd-late.png', reply: { content: JSON.stringify({ category_scores: { red: 5, green: 1, blue: 1, yellow: 1 } }), delayMs: 9000 }, expect: /did not answer within 5 s/ },
  };
  for (const [w, k] of Object.entries(kinds)) await fs.writeFile(path.join(root, k.rel), await solidColorPng('red', Number(w)));
  await fs.writeFile(path.join(root, 'e-good.png'), await solidColorPng('red', 44));
  await fs.writeFile(path.join(root, 'categories.json'), catsJson());
  const good = JSON.stringify({ category_scores: { red: 5, green: 1, blue: 1, yellow: 1 }, predicted_categories: [{ name: 'red', score: 5, confidence: 'high', visual_evidence: 'A red square.' }], fits_any: true, would_route_to: 'red', decision_basis: 'Red.' });
  const widthOf = async (req: RecordedRequest) => {
    const url = JSON.stringify(req.body).match(/data:image\/[a-z]+;base64,([A-Za-z0-9+/=]+)/)?.[1];
    return url ? (await sharp(Buffer.from(url, 'base64')).metadata()).width : undefined;
  };
  const server = await startServer(async (req) => kinds[(await widthOf(req)) ?? 0]?.reply ?? { content: good }, { maxRequests: 40 });
  try {
    const r = await cli(['classify', root, '--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-model', 'test-vlm', '--vlm-timeout', '5000', '--concurrency', '2', '--json']);
    assert.equal(r.code, 2, r.err);
    const s = summaryOf(r.out);
    const errors = new Map(s.errors.map((e) => [e.relPath, e.message]));
    for (const k of Object.values(kinds)) {
      assert.match(errors.get(k.rel) ?? '(no error)', k.expect, k.kind);
      console.log(`  ${k.kind}: ${errors.get(k.rel)!.slice(0, 200)}`);
    }
    assert.equal(s.classified, 1);
    assert.deepEqual((await readSidecar(path.join(root, 'e-good.png')))?.predictions.vlm?.predicted_categories.map((p) => p.name), ['red']);
  } finally {
    await server.close();
  }
});
