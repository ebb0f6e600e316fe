// Model loading must not leave file reads running that nobody consumes: transformers.js opens every
// model file as a stream that fills an unread queue, which used to pile whole .onnx files into memory
// during long classification runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs, { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { withoutStrayReads } from '../../../src/classifiers/zeroShot/strayReads';

const MB = 1024 * 1024;

async function bigFile(size: number): Promise<string> {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'stray-'));
  const file = path.join(dir, 'model.onnx');
  await fsp.writeFile(file, Buffer.alloc(size, 7));
  return file;
}

/** What transformers.js's FileResponse does: a read stream whose chunks are queued for no reader. */
function unreadResponse(file: string): { queued: () => number; stream: fs.ReadStream } {
  let queued = 0;
  const stream = fs.createReadStream(file);
  stream.on('data', (chunk) => (queued += chunk.length));
  return { queued: () => queued, stream };
}

const ticks = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('an unread model-file stream opened while loading is closed once loading returns, so the file is not pulled into memory', async () => {
  const file = await bigFile(64 * MB);
  const r = await withoutStrayReads(async () => unreadResponse(file));
  await ticks(300);
  assert.ok(r.stream.destroyed, 'the stray stream is destroyed');
  assert.ok(r.queued() < 64 * MB, `only ${r.queued()} bytes were read, not the whole file`);
  const after = r.queued();
  await ticks(200);
  assert.equal(r.queued(), after, 'nothing more is read afterwards');
});

test('the same stream left alone keeps reading the whole file (the behaviour being guarded against)', async () => {
  const file = await bigFile(8 * MB);
  const r = unreadResponse(file);
  await new Promise<void>((res) => r.stream.on('close', () => res()));
  assert.equal(r.queued(), 8 * MB);
});

test('a stream that loading reads to the end is untouched, and fs.createReadStream is restored even when loading fails', async () => {
  const file = await bigFile(2 * MB);
  const original = fs.createReadStream;
  const bytes = await withoutStrayReads(async () => {
    let n = 0;
    for await (const chunk of fs.createReadStream(file)) n += (chunk as Buffer).length;
    return n;
  });
  assert.equal(bytes, 2 * MB);
  assert.equal(fs.createReadStream, original);
  await assert.rejects(withoutStrayReads(async () => {
    unreadResponse(file);
    throw new Error('model load failed');
  }), /model load failed/);
  assert.equal(fs.createReadStream, original);
});
