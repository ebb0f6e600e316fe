// The content check of a built .vsix: runtime files present, every native binary (.node, .so, .dylib,
// .dll) of the target's format and architecture (read from its header), no other platform's
// package or binary inside, no test data; its size reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NATIVE_NAME, fileBinaryPlatform } from './binaryFormat.mjs';
import { TARGETS, napiImageName } from './natives.mjs';

const MUST = ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/towerWorker.js', 'extension/dist/cli.js', 'extension/media/review.css', 'extension/package.json'];

/** Checks `vsix` for `target`. Returns { target, file, mb, files, natives: [{ path, format, archs, mb }], problems }. */
export function checkPackage(vsix, target) {
  const [os_, arch] = target.split('-');
  const list = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 << 20 }).stdout.split('\n').filter(Boolean);
  const problems = [];
  for (const m of MUST) if (!list.includes(m)) problems.push(`missing ${m}`);
  const has = (re) => list.some((f) => re.test(f));
  if (!has(new RegExp(`onnxruntime-node/bin/napi-v6/${os_}/${arch}/onnxruntime_binding\\.node$`))) problems.push(`no onnxruntime-node binary for ${target}`);
  if (!has(new RegExp(`node_modules/@img/sharp-${target}/.*\\.node$`))) problems.push(`no sharp binary (@img/sharp-${target})`);
  if (!has(new RegExp(`node_modules/${napiImageName(target)}/.*\\.node$`))) problems.push(`no @napi-rs/image binary (${napiImageName(target)})`);
  // Another platform's package or onnxruntime folder, by name.
  for (const other of TARGETS.concat(['darwin-x64', 'linux-arm', 'win32-ia32', 'linuxmusl-x64', 'linuxmusl-arm64']).filter((t) => t !== target)) {
    const [o, a] = other.split('-');
    const foreign = list.filter((f) => f.includes(`/@img/sharp-${other}/`) || f.includes(`/@img/sharp-libvips-${other}/`) || f.includes(`/${napiImageName(other)}/`) || f.includes(`/napi-v6/${o}/${a}/`));
    if (foreign.length) problems.push(`${other} files inside: ${foreign.slice(0, 2).join(', ')}`);
  }
  const testData = list.filter((f) => /(^|\/)(test|datasets|\.bench|\.cache|\.e2e)\//.test(f) && !f.includes('node_modules/'));
  if (testData.length) problems.push(`test data included: ${testData.slice(0, 3).join(', ')}`);

  // Every native binary, by name, read from its header.
  const natives = list.filter((f) => NATIVE_NAME.test(f) && !f.endsWith('/'));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'vsix-natives-'));
  const report = [];
  try {
    if (natives.length) {
      const r = spawnSync('unzip', ['-q', '-o', vsix, ...natives, '-d', tmp], { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (r.status !== 0) problems.push(`could not unpack the native binaries: ${r.stderr.trim()}`);
    }
    for (const f of natives) {
      const file = path.join(tmp, f);
      let info;
      try {
        info = fileBinaryPlatform(file);
      } catch (e) {
        problems.push(`${f}: unreadable (${e.message})`);
        continue;
      }
      const mb = statSync(file).size / 1e6;
      if (!info) {
        problems.push(`${f}: not an ELF, Mach-O or PE binary`);
        continue;
      }
      report.push({ path: f, format: info.format, archs: info.archs, mb: +mb.toFixed(2) });
      if (info.os !== os_) problems.push(`${f}: a ${info.os} binary (${info.format}) in the ${target} package`);
      else if (info.archs.length !== 1 || info.archs[0] !== arch) problems.push(`${f}: ${info.format} for ${info.archs.join('+')}, not ${arch}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!natives.length) problems.push('no native binaries at all');
  return { target, file: vsix, mb: +(statSync(vsix).size / 1e6).toFixed(1), files: list.length, natives: report, problems };
}
