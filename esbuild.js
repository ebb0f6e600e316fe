// Bundles the extension host, the CLI, the benchmark and the webview separately.
// Native packages (onnxruntime-node, sharp) and transformers.js stay external: they are
// shipped in node_modules and loaded at run time.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

const external = ['vscode', 'onnxruntime-node', 'sharp', '@napi-rs/image', '@huggingface/transformers'];

const nodeTargets = [
  { entry: 'src/extension/main.ts', out: 'dist/extension.js' },
  { entry: 'src/cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { entry: 'src/bench/main.ts', out: 'dist/bench.js' },
  { entry: 'src/bench/scale.ts', out: 'dist/benchScale.js' },
  { entry: 'src/api/index.ts', out: 'dist/api.js' },
  { entry: 'src/classifiers/zeroShot/towerWorker.ts', out: 'dist/towerWorker.js' },
  { entry: 'src/classifiers/similarity/dupWorker.ts', out: 'dist/dupWorker.js' },
  { entry: 'src/classifiers/similarity/clusterWorker.ts', out: 'dist/clusterWorker.js' },
  { entry: 'src/classifiers/zeroShot/adapterWorker.ts', out: 'dist/adapterWorker.js' },
  { entry: 'src/core/sidecarReadWorker.ts', out: 'dist/sidecarReadWorker.js' },
];

async function main() {
  require('./scripts/gen-validators.js').generate(); // src/core/generated/ from schema/*.json
  const builds = [];
  for (const t of nodeTargets) {
    if (!fs.existsSync(t.entry)) continue;
    builds.push({
      entryPoints: [t.entry],
      outfile: t.out,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: !production,
      minify: production,
      external,
      // jsonc-parser's UMD build requires its parts at run time; its ESM build bundles.
      alias: { 'jsonc-parser': './node_modules/jsonc-parser/lib/esm/main.js' },
      banner: t.banner ? { js: t.banner } : undefined,
      logLevel: 'warning',
    });
  }
  if (fs.existsSync('webview/main.ts')) {
    builds.push({
      entryPoints: ['webview/main.ts'],
      outfile: 'dist/webview.js',
      bundle: true,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      sourcemap: !production,
      minify: production,
      logLevel: 'warning',
    });
  }
  if (watch) {
    for (const b of builds) (await esbuild.context(b)).watch();
    return;
  }
  await Promise.all(builds.map((b) => esbuild.build(b)));
  const cli = path.join(__dirname, 'dist/cli.js');
  if (fs.existsSync(cli)) fs.chmodSync(cli, 0o755);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
