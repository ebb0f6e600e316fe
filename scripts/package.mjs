// `npm run package`: a platform-targeted .vsix (default linux-x64) with the native onnxruntime-node,
// sharp and @napi-rs/image binaries for that platform only, and no test data. Then checks what went in.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';

const target = process.argv[2] ?? 'linux-x64';
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const out = `dist-vsix/${pkg.name}-${pkg.version}-${target}.vsix`;
mkdirSync('dist-vsix', { recursive: true });

const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
// What never ships: sources, tests, data, tooling, and every platform's native binaries but the target's.
const PLATFORMS = ['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
// @napi-rs/image (the fast JPEG decoder) names its per-platform packages with the C runtime.
const napiImage = (p) => `node_modules/@napi-rs/image-${p.startsWith('linux') ? `${p}-gnu` : p.startsWith('win32') ? `${p}-msvc` : p}`;
const ignore = [
  '.ci/**', '.e2e/**', '.bench/**', '.cache/**', 'src/**', 'webview/**', 'test/**', 'test-output/**', 'scripts/**',
  'dist-vsix/**', '**/*.map', '**/*.ts', '!dist/**/*.js', 'tsconfig.json', 'esbuild.js', 'ARCHITECTURE.md', '.gitignore', '.npmrc',
  'media/icon.svg', '.vscodeignore.generated',
  'node_modules/onnxruntime-web/**', 'node_modules/@types/**', 'node_modules/global-agent/**', 'node_modules/.bin/**',
  'node_modules/@huggingface/transformers/src/**', 'node_modules/@huggingface/transformers/types/**',
  'node_modules/@huggingface/transformers/dist/*.web.*', 'node_modules/@huggingface/transformers/dist/transformers.js',
  'node_modules/@huggingface/transformers/dist/transformers.min.js', 'node_modules/@huggingface/transformers/dist/ort-*',
  'node_modules/**/*.md', 'node_modules/**/test/**', 'node_modules/**/*.d.ts', 'node_modules/**/*.d.mts', 'node_modules/**/*.d.cts',
  ...PLATFORMS.filter((p) => p !== target).flatMap((p) => {
    const [o, a] = p.split('-');
    return [`node_modules/onnxruntime-node/bin/napi-v6/${o}/${a}/**`, `node_modules/@img/sharp-${p}/**`, `node_modules/@img/sharp-libvips-${p}/**`, `${napiImage(p)}/**`];
  }),
];
writeFileSync('.vscodeignore.generated', ignore.join('\n') + '\n');
run(process.execPath, ['esbuild.js', '--production']);
run('npx', ['--no-install', 'vsce', 'package', '--target', target, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links', '--ignoreFile', '.vscodeignore.generated']);

const list = spawnSync('unzip', ['-Z1', out], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
const problems = [];
const must = ['extension/dist/extension.js', 'extension/dist/webview.js', 'extension/dist/towerWorker.js', 'extension/dist/cli.js', 'extension/media/review.css', 'extension/package.json'];
for (const m of must) if (!list.includes(m)) problems.push(`missing ${m}`);
const [os, arch] = target.split('-');
if (!list.some((f) => f.includes(`onnxruntime-node/bin/napi-v6/${os}/${arch}/`))) problems.push(`no onnxruntime-node binary for ${target}`);
if (!list.some((f) => f.includes(`@img/sharp-${target}`))) problems.push(`no sharp binary for ${target}`);
if (!list.some((f) => f.startsWith(`extension/${napiImage(target)}/`) && f.endsWith('.node'))) problems.push(`no @napi-rs/image binary for ${target}`);
const foreign = list.filter((f) => /onnxruntime-node\/bin\/napi-v6\/(darwin|win32|linux)\//.test(f) && !f.includes(`/${os}/${arch}/`));
if (foreign.length) problems.push(`other platforms' binaries included: ${foreign.slice(0, 3).join(', ')}`);
const testData = list.filter((f) => /(^|\/)(test|datasets|\.bench|\.cache|\.e2e)\//.test(f) && !f.includes('node_modules/'));
if (testData.length) problems.push(`test data included: ${testData.slice(0, 3).join(', ')}`);
const mb = statSync(out).size / 1e6;
console.log(`\n${out}: ${mb.toFixed(1)} MB, ${list.length} files`);
if (problems.length) {
  console.error('package check failed:\n  ' + problems.join('\n  '));
  process.exit(1);
}
console.log('package check: ok (runtime files present, one platform, no test data)');
