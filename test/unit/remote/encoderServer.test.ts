// --encoder-url: the towers on an Open Inference Protocol (KServe v2) server. A test server on
// 127.0.0.1 runs the tiny model's ONNX files on onnxruntime-node; classification through it equals
// local classification to 1e-5; its failures (down, slow, 5xx, wrong shapes, unknown model) give
// clear errors after the VLM transport's retries.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as ort from 'onnxruntime-node';
import { cli } from '../../support/cli';
import { solidColorPng, photos, tempDir, tinyModel } from '../../support/fixtures';
import { startOipServer, type OipServer } from '../../support/oipServer';
import { OpenInferenceClient } from '../../../src/classifiers/remote/openInference';
import { connectEncoders } from '../../../src/classifiers/remote/remoteEncoders';

const servers: OipServer[] = [];
const temps: string[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await Promise.all(temps.map((d) => fs.rm(d, { recursive: true, force: true })));
});
async function server(model: string, faults = {}): Promise<OipServer> {
  const s = await startOipServer(model, faults);
  servers.push(s);
  return s;
}
async function temp(prefix: string): Promise<string> {
  const d = await tempDir(prefix);
  temps.push(d);
  return d;
}

const FAST = { policy: { maxRetries: 2, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 2000 };
const pixels = (n: number) => Float32Array.from({ length: n * 3 * 16 * 16 }, (_, i) => Math.sin(i * 0.37));

test('the test server speaks the protocol: ready, metadata, and infer with JSON tensors or binary data give ORT\'s own outputs', async () => {
  const model = await tinyModel('clip');
  const s = await server(model);
  const ref = await ort.InferenceSession.create(path.join(model, 'onnx/vision_model.onnx'));
  const px = pixels(3);
  const want = (await ref.run({ pixel_values: new ort.Tensor('float32', px, [3, 3, 16, 16]) })).image_embeds;
  await ref.release();
  for (const binary of [true, false]) {
    const c = new OpenInferenceClient(s.url, { binary });
    await c.ready();
    const meta = await c.metadata('vision_model');
    assert.deepEqual(meta.inputs, [{ name: 'pixel_values', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
    assert.ok(meta.outputs.some((o) => o.name === 'image_embeds'));
    const r = await c.infer('vision_model', [{ name: 'pixel_values', datatype: 'FP32', shape: [3, 3, 16, 16], data: px }], ['image_embeds']);
    assert.deepEqual(r.image_embeds.shape, want.dims);
    assert.deepEqual(Array.from(r.image_embeds.data), Array.from(want.data as Float32Array), `binary=${binary}: exact floats`);
  }
  assert.deepEqual(s.binaryRequests, [true, false], 'one request with the binary data extension, one with JSON tensors');
});

async function folder(): Promise<string> {
  const root = await temp('enc-');
  const colours = ['red', 'green', 'blue', 'yellow', 'white', 'black'];
  for (const [i, c] of colours.entries()) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 30 + i * 7));
  for (const p of await photos(3)) await fs.copyFile(p, path.join(root, path.basename(p)));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'multi_label', categories: colours.map((c) => ({ name: c, description: `a ${c} image` })) }));
  return root;
}

async function predictions(root: string): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of (await fs.readdir(root)).filter((n) => n.endsWith('.labels.json'))) out[f] = JSON.parse(await fs.readFile(path.join(root, f), 'utf8')).predictions['zero-shot'];
  return out;
}

/** Equal but for timestamps, the device and the model folder's path and fingerprint; numbers to 1e-5. */
function assertClose(a: unknown, b: unknown, where = ''): void {
  if (typeof a === 'number' && typeof b === 'number') return assert.ok(Math.abs(a - b) <= 1e-5, `${where}: ${a} vs ${b}`);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)].filter((k) => !['created_at', 'device', 'elapsed_ms', 'checkpoint', 'revision'].includes(k)));
    for (const k of keys) assertClose((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${where}.${k}`);
    return;
  }
  assert.deepEqual(a, b, where);
}

test('classify --encoder-url equals local classification to 1e-5, with the towers only on the server', async () => {
  const model = await tinyModel('clip');
  // The client's model folder has no towers at all: config, tokenizer and preprocessing only.
  const client = path.join(await temp('enc-model-'), 'model');
  await fs.cp(model, client, { recursive: true });
  for (const f of await fs.readdir(path.join(client, 'onnx'))) await fs.rm(path.join(client, 'onnx', f));
  const s = await server(model);
  const [local, remote] = [await folder(), await folder()];
  const a = await cli(['classify', local, '--model', model, '--cache-dir', await temp('enc-c1-'), '--json', '--batch', '4']);
  assert.equal(a.code, 0, a.err);
  const b = await cli(['classify', remote, '--model', client, '--cache-dir', await temp('enc-c2-'), '--json', '--batch', '4', '--encoder-url', s.url]);
  assert.equal(b.code, 0, b.err);
  assert.match(b.err, new RegExp(`device remote:${s.url.replace(/[.:/]/g, '\\$&')}`));
  const [pa, pb] = [await predictions(local), await predictions(remote)];
  assert.equal(Object.keys(pb).length, 9);
  for (const p of Object.values(pb)) assert.equal(p.device, `remote:${s.url}`, 'the device that ran is the server');
  for (const p of Object.values(pa)) assert.equal(p.device, 'cpu');
  assertClose(pb, pa, 'predictions');
  assert.ok(s.counts['infer:vision_model'] >= 3, `images batched to the server: ${JSON.stringify(s.counts)}`);
  assert.ok(s.counts['infer:text_model'] >= 1);
});

test('a server that is down, slow, failing, or answering wrong shapes gives clear errors after retries', async () => {
  const model = await tinyModel('clip');
  const spec = { dtype: 'fp32', textOutput: 'text_embeds', visionOutput: 'image_embeds', height: 16, width: 16 };
  const retries: string[] = [];
  const client = { ...FAST, onRetry: (m: string) => retries.push(m) };

  // 5xx twice, then fine: the retries hide it.
  const flaky = await server(model, { failNext: { count: 0, status: 503 } });
  const enc = await connectEncoders({ ...spec, url: flaky.url, client });
  flaky.faults.failNext = { count: 2, status: 503 };
  assert.equal((await enc.encodeImages(pixels(2), 2, 16, 16)).length, 2);
  assert.equal(retries.length, 2);
  // 429 with Retry-After: waited for as the server asks.
  flaky.faults.failNext = { count: 1, status: 429, retryAfter: '1' };
  assert.equal((await enc.encodeImages(pixels(1), 1, 16, 16)).length, 1);
  assert.match(retries[2], /HTTP 429 .*; retry 1 in 1 s$/);
  assert.match(retries[0], /encoder server: HTTP 503 from http:\/\/127\.0\.0\.1:\d+\/v2\/models\/vision_model\/infer: injected failure; retry 1 in/);
  // 5xx for good: the last error, with the attempts made.
  flaky.faults.failNext = { count: 10, status: 500 };
  await assert.rejects(enc.encodeText([[1, 2, 3]], [[1, 1, 1]]), /Encoder model "text_model" inference: HTTP 500 from .*\/v2\/models\/text_model\/infer: injected failure \(after 3 attempts\)/);
  flaky.faults.failNext = undefined;

  // Wrong shapes: one row missing.
  flaky.faults.wrongShape = true;
  await assert.rejects(enc.encodeImages(pixels(2), 2, 16, 16), /Encoder model "vision_model" at http:\/\/127\.0\.0\.1:\d+ answered shape \[1,11\] for 2 inputs; expected \[2, embedding size\]/);
  flaky.faults.wrongShape = false;

  // Slow: no answer within the timeout (not retried by default: a hung server would cost N × timeout).
  flaky.faults.delayMs = 1500;
  const slow = await connectEncoders({ ...spec, url: flaky.url, client: { ...client, timeoutMs: 5000 } });
  const slowEnc = await connectEncoders({ ...spec, url: flaky.url, client: { ...client, timeoutMs: 200 } }).catch((e: Error) => e);
  assert.ok(slowEnc instanceof Error && /no answer from http:\/\/127\.0\.0\.1:\d+\/v2\/health\/ready within 200 ms\. Is the server overloaded\? Check its queue and load/.test(slowEnc.message), String(slowEnc));
  assert.equal((await slow.encodeImages(pixels(1), 1, 16, 16)).length, 1, 'a slow server within the timeout is fine');
  flaky.faults.delayMs = 0;

  // Unknown model (a dtype the server does not serve): 404, not retried, says where to look.
  await assert.rejects(connectEncoders({ ...spec, dtype: 'q4', url: flaky.url, client }), /Encoder model "text_model_q4" metadata: HTTP 404 .* is not found\. The server does not serve this model: see the README's Triton model repository layout/);

  // Down: connection refused on every attempt.
  const down = await server(model);
  const url = down.url;
  await down.close();
  servers.splice(servers.indexOf(down), 1);
  await assert.rejects(connectEncoders({ ...spec, url, client }), /Encoder server not ready: cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/health\/ready \(ECONNREFUSED\) \(after 3 attempts\)\. Is an Open Inference Protocol server \(Triton, KServe\) running there\?/);
});

test('the CLI: an unreachable server fails the load with the reason; a server elsewhere needs --send-images', async () => {
  const model = await tinyModel('clip');
  const root = await folder();
  const gone = await startOipServer(model);
  await gone.close();
  const r = await cli(['classify', root, '--model', model, '--encoder-url', gone.url, '--cache-dir', await temp('enc-c3-')]);
  assert.equal(r.code, 1);
  assert.match(r.err, /Encoder server not ready: cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/health\/ready \(ECONNREFUSED\) \(after 5 attempts\)\. Is an Open Inference Protocol server/);
  assert.deepEqual((await fs.readdir(root)).filter((f) => f.endsWith('.labels.json')), [], 'nothing written');
  const far = await cli(['classify', root, '--model', model, '--encoder-url', 'http://triton.example:8000']);
  assert.equal(far.code, 1);
  assert.match(far.err, /--encoder-url http:\/\/triton\.example:8000 is not on this machine: every image's pixels would be sent to it\. Add --send-images to agree\./);
  const bad = await cli(['classify', root, '--model', model, '--encoder-url', 'triton:8000']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /--encoder-url must be an http:\/\/ or https:\/\/ URL/);
});
