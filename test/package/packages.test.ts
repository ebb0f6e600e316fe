// `npm run package -- --all`: five platform packages, each passing its content check (every native
// binary of the target's format and architecture, read from its header; nothing of another platform),
// built without touching the project's own node_modules. Run by `npm run test:package` (test:all).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const FORMAT: Record<string, RegExp> = { linux: /^ELF64$/, darwin: /^Mach-O$/, win32: /^PE$/ };
const natives = () => ['@img', '@napi-rs'].flatMap((d) => readdirSync(path.join(ROOT, 'node_modules', d)).map((n) => `${d}/${n}`)).sort();

test('npm run package -- --all: five packages, each with only its own platform\'s native binaries', { timeout: 30 * 60_000 }, () => {
  const before = natives();
  const r = spawnSync('npm', ['run', 'package', '--', '--all'], { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 << 20 });
  const summary = r.stdout.slice(r.stdout.lastIndexOf('summary:'));
  console.log(summary);
  assert.equal(r.status, 0, r.stderr.slice(-2000) + r.stdout.slice(-3000));
  assert.deepEqual(natives(), before, "the project's node_modules is unchanged");
  for (const t of TARGETS) {
    const check = JSON.parse(readFileSync(path.join(ROOT, 'dist-vsix', `image-triage-0.1.0-${t}.check.json`), 'utf8'));
    const [os, arch] = t.split('-');
    assert.deepEqual(check.problems, [], t);
    assert.ok(check.mb > 5 && check.mb < 80, `${t}: ${check.mb} MB`);
    const paths: string[] = check.natives.map((n: { path: string }) => n.path);
    for (const need of [`onnxruntime-node/bin/napi-v6/${os}/${arch}/onnxruntime_binding.node`, `/@img/sharp-${t}/`, '/@napi-rs/image-']) assert.ok(paths.some((p) => p.includes(need)), `${t} carries ${need}`);
    for (const n of check.natives) {
      assert.match(n.format, FORMAT[os], `${t}: ${n.path}`);
      assert.deepEqual(n.archs, [arch], `${t}: ${n.path}`);
    }
    assert.match(summary, new RegExp(`${t}\\s+[\\d.]+ MB\\s+${check.natives.length} binaries\\s+ok`), 'the size is reported');
  }
});
