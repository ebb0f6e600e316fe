// --device: the choice reaches ONNX Runtime's session options, and a device this machine does not
// have falls back to the CPU with one message that says why, recorded in every prediction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { devicePlan, knownUnavailable, type Device } from '../../../src/classifiers/device';
import { loadTowersDirect } from '../../../src/classifiers/zeroShot/modelLoader';
import { readSidecar } from '../../../src/core/sidecarStore';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

/** An accelerator that this platform's onnxruntime-node build cannot have. */
const ABSENT: Device = process.platform === 'darwin' ? 'dml' : 'coreml';

test('auto picks the platform accelerator first and always ends on the CPU', () => {
  assert.deepEqual(devicePlan('auto', 'darwin', 'arm64'), ['coreml', 'cpu']);
  assert.deepEqual(devicePlan('auto', 'win32', 'x64'), ['dml', 'cpu']);
  assert.deepEqual(devicePlan('auto', 'linux', 'x64'), ['cuda', 'cpu']);
  assert.deepEqual(devicePlan('auto', 'linux', 'arm64'), ['cpu']);
  assert.deepEqual(devicePlan('cpu', 'linux', 'x64'), ['cpu']);
  assert.deepEqual(devicePlan('webgpu', 'linux', 'x64'), ['webgpu', 'cpu']);
  assert.match(knownUnavailable('cuda', 'darwin', 'arm64')!, /no CUDA build for darwin/);
  assert.equal(knownUnavailable('coreml', 'darwin', 'arm64'), undefined);
});

test("without onnxruntime-node's CUDA provider, cuda is known unavailable and the message gives an install command that exists here", () => {
  const ortDir = path.dirname(createRequire(__filename).resolve('onnxruntime-node/package.json'));
  const installed = existsSync(path.join(ortDir, 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'));
  const why = knownUnavailable('cuda', 'linux', 'x64');
  if (installed) return assert.equal(why, undefined); // someone ran the install script on this machine
  const m = /is not installed; install it \(a download\) with: node "([^"]+)" --onnxruntime-node-install=cuda12$/.exec(why ?? '');
  assert.ok(m, `the message names the install command: ${why}`);
  assert.equal(m[1], path.join(ortDir, 'script', 'install.js'));
  assert.ok(existsSync(m[1]), `the install script it names exists (${m[1]})`);
});

test(`--device ${ABSENT} reaches ORT's session options, fails there, and the towers fall back to the CPU`, async () => {
  const seen: { file: string; eps: unknown }[] = [];
  const IS = ort.InferenceSession as unknown as { create: (...a: unknown[]) => Promise<unknown> };
  const original = IS.create;
  IS.create = function (this: unknown, ...args: unknown[]) {
    const opts = args.find((a) => a && typeof a === 'object' && !(a instanceof Uint8Array) && 'executionProviders' in (a as object)) as { executionProviders?: unknown } | undefined;
    seen.push({ file: typeof args[0] === 'string' ? path.basename(args[0]) : 'bytes', eps: opts?.executionProviders });
    return original.apply(this, args);
  };
  try {
    const towers = await loadTowersDirect({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'fp32', cacheDir: await tempDir('dev-'), device: ABSENT });
    assert.deepEqual(seen[0].eps, [ABSENT], 'the first session is asked for the requested device');
    assert.deepEqual(seen.at(-1)!.eps, ['cpu'], 'the sessions that run are on the CPU');
    assert.equal(towers.device, 'cpu');
    assert.match(towers.deviceNote!, new RegExp(`^device ${ABSENT} could not start \\(.+\\); fell back to the CPU\\.$`));
    const [v] = await towers.encodeText(['red']);
    assert.ok(v.length > 0, 'the fallback towers run');
    await towers.dispose();

    seen.length = 0;
    const cpu = await loadTowersDirect({ kind: 'zero-shot', model: await tinyModel('clip'), dtype: 'fp32', cacheDir: await tempDir('dev-'), device: 'cpu' });
    assert.ok(seen.length >= 2 && seen.every((s) => JSON.stringify(s.eps) === '["cpu"]'), JSON.stringify(seen));
    assert.equal(cpu.deviceNote, undefined);
    await cpu.dispose();
  } finally {
    IS.create = original;
  }
});

test('the CLI warns once, classifies on the CPU, and records the device in each prediction and the summary', async () => {
  const root = await tempDir('dev-cli-');
  for (const c of ['red', 'blue']) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 40));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ categories: [{ name: 'red', description: 'a red image' }, { name: 'blue', description: 'a blue image' }], mode: 'single_label' }));
  const r = await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', await tempDir('dev-cache-'), '--device', ABSENT, '--json']);
  assert.equal(r.code, 0, r.err);
  const warnings = r.err.split('\n').filter((l) => l.includes(`device ${ABSENT}`));
  assert.equal(warnings.length, 1, r.err);
  assert.match(warnings[0], new RegExp(`^warning: device ${ABSENT} could not start .*fell back to the CPU`));
  assert.match(r.err, /device cpu\)/);
  const summary = JSON.parse(r.out.trim().split('\n').at(-1)!);
  assert.equal(summary.device, 'cpu');
  for (const c of ['red', 'blue']) {
    const p = (await readSidecar(path.join(root, `${c}.png`)))!.predictions['zero-shot']!;
    assert.equal(p.device, 'cpu');
    assert.deepEqual(p.predicted_categories.map((x) => x.name), [c]);
  }
  const info = await cli(['model', 'info', await tinyModel('clip'), '--device', ABSENT, '--json', '--cache-dir', await tempDir('dev-mi-')]);
  assert.equal(info.code, 0, info.err);
  const mi = JSON.parse(info.out);
  assert.equal(mi.device, 'cpu', 'model info shows the device that ran');
  assert.match(mi.device_note, new RegExp(`device ${ABSENT} could not start`));
  const bad = await cli(['classify', root, '--device', 'tpu']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--device must be one of auto, cpu, cuda, dml, coreml, webgpu/);
});
