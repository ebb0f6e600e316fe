// Hub hygiene through the product's own loader, against a local stand-in for the Hugging Face hub
// (HF_ENDPOINT): revision → commit sha recorded everywhere, offline loading of a pinned revision
// from the cache (tokenizer included), partial-download cleanup, and errors that say what to do.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { promises as fs, existsSync } from 'node:fs';
import * as path from 'node:path';
import { ZeroShotClassifier } from '../../../src/classifiers/zeroShot';
import { embeddingKeyId } from '../../../src/classifiers/zeroShot/embeddingCache';
import { cli } from '../../support/cli';
import { colourCategories, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { createHash } from 'node:crypto';

const SHA = 'a'.repeat(8) + '0123456789abcdef0123456789abcdef';
let server: Server | undefined;
let tinyDir = '';
const hits: string[] = [];

async function startHub(): Promise<string> {
  tinyDir = await tinyModel('clip');
  const files: string[] = [];
  for (const f of await fs.readdir(tinyDir)) if (f !== 'onnx') files.push(f);
  for (const f of await fs.readdir(path.join(tinyDir, 'onnx'))) files.push(`onnx/${f}`);
  const siblings = await Promise.all(files.map(async (f) => ({ rfilename: f, size: (await fs.stat(path.join(tinyDir, f))).size })));
  server = createServer(async (req, res) => {
    const url = new URL(req.url!, 'http://x');
    hits.push(url.pathname);
    const api = /^\/api\/models\/(.+)\/revision\/([^/]+)$/.exec(url.pathname);
    if (api) {
      const [, id] = api;
      if (id === 'gated/tiny-clip') return void res.writeHead(401).end('{"error":"Access restricted"}');
      if (id === 'openai/clip-tiny') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sha: SHA, siblings: siblings.filter((s) => !s.rfilename.startsWith('onnx/')) }));
      if (id !== 'test-org/tiny-clip') return void res.writeHead(404).end('{}');
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ sha: SHA, siblings }));
    }
    const file = /^\/test-org\/tiny-clip\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (file && (file[1] === SHA || file[1] === 'main') && files.includes(file[2])) {
      const body = await fs.readFile(path.join(tinyDir, file[2]));
      return void res.writeHead(200, { 'content-length': String(body.length) }).end(body);
    }
    res.writeHead(404).end('not found');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  const port = (server!.address() as { port: number }).port;
  return `http://127.0.0.1:${port}`;
}
after(() => server?.close());

async function red() {
  const bytes = await solidColorPng('red', 32);
  return [{ path: '/x/red.png', relPath: 'red.png', bytes, sha256: createHash('sha256').update(bytes).digest('hex') }];
}

test('a hub model loads at the commit its revision resolves to; the sha is in the prediction, the embedding cache key and model info; offline it loads from the cache', async () => {
  process.env.HF_ENDPOINT = await startHub();
  const cache = await tempDir('hub-cache-');
  // A partial download left by a dead process is removed at start; a live process's is kept.
  const partialDir = path.join(cache, 'models', 'test-org', 'tiny-clip', SHA, 'onnx');
  await fs.mkdir(partialDir, { recursive: true });
  const dead = path.join(partialDir, 'vision_model.onnx.tmp.999999999.k3x9');
  const live = path.join(partialDir, `text_model.onnx.tmp.${process.pid}.a1b2`);
  await fs.writeFile(dead, 'partial');
  await fs.writeFile(live, 'partial');
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model: 'test-org/tiny-clip', dtype: 'fp32', cacheDir: cache });
  assert.equal(existsSync(dead), false, 'dead partial download removed');
  assert.equal(existsSync(live), true, 'a live download is left alone');
  assert.equal(c.info.revision, SHA);
  assert.ok(hits.some((h) => h.startsWith(`/test-org/tiny-clip/resolve/${SHA}/`)), 'files fetched at the sha, not at "main"');
  const [o] = await c.classifyBatch(await red(), colourCategories(['red', 'blue']));
  assert.ok(o.ok);
  assert.equal(o.prediction.revision, SHA);
  await c.dispose();
  const cacheFiles = await fs.readdir(path.join(cache, 'embeddings'));
  const keyed = embeddingKeyId({ model: 'test-org/tiny-clip', revision: SHA, dtype: 'fp32' });
  assert.ok(cacheFiles.some((f) => f.startsWith(keyed)), `the embedding cache is keyed by the sha: ${cacheFiles.join(', ')}`);

  const info = await cli(['model', 'info', 'test-org/tiny-clip', '--cache-dir', cache, '--json']);
  assert.equal(info.code, 0, info.err);
  assert.equal(JSON.parse(info.out).revision, SHA);

  // Offline: the hub is gone; the same revision (and the pinned sha) loads from the cache, tokenizer included.
  await new Promise<void>((r) => server!.close(() => r()));
  for (const revision of [undefined, SHA]) {
    const off = await ZeroShotClassifier.create({ kind: 'zero-shot', model: 'test-org/tiny-clip', dtype: 'fp32', cacheDir: cache, revision });
    assert.equal(off.info.revision, SHA);
    const [p] = await off.classifyBatch(await red(), colourCategories(['red', 'blue']));
    assert.ok(p.ok && p.prediction.would_route_to === 'red');
    assert.equal((await off.encodeTexts(['a photo of red']))[0].length > 0, true);
    await off.dispose();
  }
});

test('errors that say what to do: 401 → HF_TOKEN, a repo without onnx/ → the ONNX ports', async () => {
  process.env.HF_ENDPOINT = await startHub();
  const cache = await tempDir();
  const saved = process.env.HF_TOKEN;
  delete process.env.HF_TOKEN;
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: 'gated/tiny-clip', dtype: 'fp32', cacheDir: cache }), /401.*gated or private.*HF_TOKEN/s);
  if (saved !== undefined) process.env.HF_TOKEN = saved;
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: 'openai/clip-tiny', dtype: 'fp32', cacheDir: cache }), /no onnx\/ folder.*Xenova\/clip-tiny or onnx-community\/clip-tiny/s);
  const r = await cli(['classify', cache, '--model', 'openai/clip-tiny', '--cache-dir', cache]);
  assert.equal(r.code, 1);
});

test('a missing dtype file is named with its real suffix, and the dtypes that exist are offered', async () => {
  const dir = path.join(await tempDir('noq8-'), 'm');
  await fs.cp(await tinyModel('clip'), dir, { recursive: true });
  for (const f of await fs.readdir(path.join(dir, 'onnx'))) if (f.includes('_quantized')) await fs.rm(path.join(dir, 'onnx', f));
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'q8', cacheDir: await tempDir() }), /onnx\/text_model_quantized\.onnx.*"_quantized".*--dtype fp32/s);
});

test('a local model\'s fingerprint covers every file loading reads: tokenizer, preprocessor and the dtype in use', async () => {
  const dir = path.join(await tempDir('fp-'), 'm');
  await fs.cp(await tinyModel('clip'), dir, { recursive: true });
  const rev = async (dtype: 'fp32' | 'fp16' = 'fp32') => {
    const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype, cacheDir: await tempDir() });
    await c.dispose();
    return c.info.revision;
  };
  const r0 = await rev();
  await fs.writeFile(path.join(dir, 'README.md'), 'notes');
  assert.equal(await rev(), r0, 'a file loading never reads does not change it');
  for (const f of ['tokenizer.json', 'preprocessor_config.json', 'tokenizer_config.json', 'onnx/text_model.onnx']) {
    const before = await rev();
    const p = path.join(dir, f);
    const t = new Date(Date.now() + 5000 + Math.random() * 1e6);
    await fs.utimes(p, t, t);
    assert.notEqual(await rev(), before, `${f} is covered`);
  }
  const fp16 = await rev('fp16');
  const again = await rev('fp16');
  assert.equal(fp16, again);
  const t = new Date(Date.now() + 9e6);
  await fs.utimes(path.join(dir, 'onnx/vision_model_fp16.onnx'), t, t);
  assert.notEqual(await rev('fp16'), fp16, 'the fp16 files in use are covered');
});

test('fp16 weights load through the product\'s own loader and classify like fp32', async () => {
  const c = await ZeroShotClassifier.create({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'fp16', cacheDir: await tempDir() });
  assert.equal(c.info.dtype, 'fp16');
  const names = ['red', 'green', 'blue'];
  const imgs = await Promise.all(names.map(async (n) => {
    const bytes = await solidColorPng(n, 32);
    return { path: `/x/${n}.png`, relPath: `${n}.png`, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
  }));
  const out = await c.classifyBatch(imgs, colourCategories(names));
  assert.deepEqual(out.map((o) => (o.ok ? o.prediction.would_route_to : o.error)), names);
  assert.ok(out.every((o) => o.ok && o.prediction.dtype === 'fp16'));
  await c.dispose();
});

test('SigLIP 2 NaFlex is refused at load, saying which SigLIP 2 exports work', async () => {
  const dir = path.join(await tempDir('naflex-'), 'm');
  await fs.cp(await tinyModel('siglip'), dir, { recursive: true });
  const cfg = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8'));
  cfg.model_type = 'siglip2';
  cfg.vision_config = { ...(cfg.vision_config ?? {}), num_patches: 256 };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(cfg));
  const pp = JSON.parse(await fs.readFile(path.join(dir, 'preprocessor_config.json'), 'utf8'));
  await fs.writeFile(path.join(dir, 'preprocessor_config.json'), JSON.stringify({ ...pp, max_num_patches: 256 }));
  await assert.rejects(ZeroShotClassifier.create({ kind: 'zero-shot', model: dir, dtype: 'fp32', cacheDir: await tempDir() }), /NaFlex.*fixed-resolution.*model_type "siglip"/s);
});
