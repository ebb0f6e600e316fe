// `npm run package -- --target <t>` (default linux-x64) or `-- --all`: platform-targeted .vsix files,
// each with only its own platform's native parts (onnxruntime-node's binaries for it, sharp's
// @img/sharp-<t> (+ libvips) and @napi-rs/image's package for it, fetched from the npm registry at the
// exact versions the project uses, cached in .cache/npm-packs), built in a staging copy so the
// project's node_modules is never changed. Each package then passes its content check
// (scripts/package/contentCheck.mjs); a summary is written to dist-vsix/<name>.check.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkPackage } from './package/contentCheck.mjs';
import { TARGETS, fetchPacks, nativePackages, stage } from './package/natives.mjs';

const USAGE = `usage: npm run package -- [--target <${TARGETS.join('|')}>]… | --all   [--keep-stage]`;
const args = process.argv.slice(2);
const targets = [];
let keepStage = false;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '--all') targets.push(...TARGETS);
  else if (a === '--target') targets.push(args[++i]);
  else if (a.startsWith('--target=')) targets.push(a.slice(9));
  else if (a === '--keep-stage') keepStage = true;
  else if (a === '--help' || a === '-h') {
    console.log(USAGE);
    process.exit(0);
  } else if (!a.startsWith('-')) targets.push(a);
  else {
    console.error(`unknown option ${a}\n${USAGE}`);
    process.exit(1);
  }
}
if (!targets.length) targets.push('linux-x64');
for (const t of targets) {
  if (!TARGETS.includes(t)) {
    const why = t === 'darwin-x64' ? ' (onnxruntime-node ships no macOS x64 binary: Intel Macs are not a target)' : '';
    console.error(`unknown target "${t}"${why}; targets: ${TARGETS.join(', ')}\n${USAGE}`);
    process.exit(1);
  }
}

const root = process.cwd();
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
mkdirSync('dist-vsix', { recursive: true });
const run = (cmd, argv, opts = {}) => {
  const r = spawnSync(cmd, argv, { stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

// What never ships: sources, tests, data, tooling, type declarations, the web builds.
const ignore = [
  '.ci/**', '.e2e/**', '.bench/**', '.cache/**', 'src/**', 'webview/**', 'test/**', 'test-output/**', 'scripts/**', 'deploy/**',
  'dist-vsix/**', '**/*.map', '**/*.ts', '!dist/**/*.js', 'tsconfig.json', 'esbuild.js', 'ARCHITECTURE.md', '.gitignore', '.npmrc',
  'media/icon.svg', '.vscodeignore.generated', 'package-lock.json',
  'node_modules/onnxruntime-web/**', 'node_modules/@types/**', 'node_modules/global-agent/**', 'node_modules/.bin/**',
  'node_modules/@huggingface/transformers/src/**', 'node_modules/@huggingface/transformers/types/**',
  'node_modules/@huggingface/transformers/dist/*.web.*', 'node_modules/@huggingface/transformers/dist/transformers.js',
  'node_modules/@huggingface/transformers/dist/transformers.min.js', 'node_modules/@huggingface/transformers/dist/ort-*',
  'node_modules/**/*.md', 'node_modules/**/test/**', 'node_modules/**/*.d.ts', 'node_modules/**/*.d.mts', 'node_modules/**/*.d.cts',
];
writeFileSync('.vscodeignore.generated', ignore.join('\n') + '\n');
run(process.execPath, ['esbuild.js', '--production']);

const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
const results = [];
for (const target of targets) {
  const started = Date.now();
  const packs = fetchPacks(nativePackages(root, target), path.join(root, '.cache/npm-packs'));
  const stageDir = stage(root, target, packs, path.join(root, '.cache/package-stage', target));
  // onnxruntime-node ships every platform's binaries in one npm package: the staging copy keeps the target's.
  const [os_, arch] = target.split('-');
  const ortBin = path.join(stageDir, 'node_modules/onnxruntime-node/bin/napi-v6');
  for (const o of ['linux', 'darwin', 'win32']) for (const a of ['x64', 'arm64']) if (o !== os_ || a !== arch) rmSync(path.join(ortBin, o, a), { recursive: true, force: true });
  const out = path.join(root, 'dist-vsix', `${pkg.name}-${pkg.version}-${target}.vsix`);
  rmSync(out, { force: true });
  run(process.execPath, [vsce, 'package', '--target', target, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links', '--ignoreFile', path.join(root, '.vscodeignore.generated')], { cwd: stageDir });
  if (!keepStage) rmSync(stageDir, { recursive: true, force: true });
  const check = checkPackage(out, target);
  check.seconds = Math.round((Date.now() - started) / 1000);
  check.packs = packs.map((p) => `${p.name}@${p.version}`);
  writeFileSync(out.replace(/\.vsix$/, '.check.json'), JSON.stringify(check, null, 2) + '\n');
  results.push(check);
  const natMb = check.natives.reduce((s, n) => s + n.mb, 0);
  console.log(`\n${path.relative(root, out)}: ${check.mb} MB, ${check.files} files, ${check.natives.length} native binaries (${natMb.toFixed(1)} MB unpacked), ${check.seconds} s`);
  for (const n of check.natives) console.log(`  ${n.path.replace(/^extension\//, '')}  ${n.format} ${n.archs.join('+')}  ${n.mb} MB`);
  console.log(check.problems.length ? `package check FAILED:\n  ${check.problems.join('\n  ')}` : `package check: ok (${target} binaries only, runtime files present, no test data)`);
}
if (results.length > 1) {
  console.log('\nsummary:');
  for (const r of results) console.log(`  ${r.target.padEnd(13)} ${String(r.mb).padStart(6)} MB  ${r.natives.length} binaries  ${r.problems.length ? 'FAILED' : 'ok'}`);
}
process.exit(results.some((r) => r.problems.length) ? 1 : 0);
