// The package content check's header reader, on real binaries of every target: onnxruntime-node's npm
// package carries each platform's build (ELF x64/arm64, Mach-O arm64, PE x64/arm64), and synthetic
// universal Mach-O headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
// @ts-expect-error: a plain .mjs build script without types
import { NATIVE_NAME, binaryPlatform, fileBinaryPlatform } from '../../../scripts/package/binaryFormat.mjs';

const ORT = path.join(path.dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6');

test('ELF, Mach-O and PE headers give the platform and architecture each target needs', () => {
  const cases: [string, string, string, string][] = [
    ['linux/x64/onnxruntime_binding.node', 'linux', 'ELF64', 'x64'],
    ['linux/arm64/libonnxruntime.so.1', 'linux', 'ELF64', 'arm64'],
    ['darwin/arm64/libonnxruntime.1.30.0.dylib', 'darwin', 'Mach-O', 'arm64'],
    ['darwin/arm64/onnxruntime_binding.node', 'darwin', 'Mach-O', 'arm64'],
    ['win32/x64/onnxruntime.dll', 'win32', 'PE', 'x64'],
    ['win32/arm64/onnxruntime_binding.node', 'win32', 'PE', 'arm64'],
  ];
  for (const [f, os, format, arch] of cases) assert.deepEqual(fileBinaryPlatform(path.join(ORT, f)), { os, format, archs: [arch] }, f);
});

test('a universal Mach-O lists every slice; text and truncated headers are not binaries', () => {
  const fat = Buffer.alloc(8 + 2 * 20);
  fat.writeUInt32BE(0xcafebabe, 0);
  fat.writeUInt32BE(2, 4);
  fat.writeUInt32BE(0x01000007, 8);
  fat.writeUInt32BE(0x0100000c, 28);
  assert.deepEqual(binaryPlatform(fat), { os: 'darwin', format: 'Mach-O universal', archs: ['x64', 'arm64'] });
  assert.equal(binaryPlatform(Buffer.from('#!/bin/sh\necho hi\n')), undefined);
  assert.equal(binaryPlatform(Buffer.from([0x7f, 0x45, 0x4c, 0x46])), undefined);
  assert.equal(binaryPlatform(Buffer.from('MZ')), undefined);
});

test('native names: .node, .so and versioned .so, .dylib, .dll; not .js or .json', () => {
  for (const n of ['a.node', 'libvips-cpp.so.8.17.1', 'libonnxruntime.so.1', 'x.so', 'libvips.42.dylib', 'DirectML.dll']) assert.ok(NATIVE_NAME.test(n), n);
  for (const n of ['index.js', 'package.json', 'so.txt', 'node.d.ts']) assert.ok(!NATIVE_NAME.test(n), n);
});
