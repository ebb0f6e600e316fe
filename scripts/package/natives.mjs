// The native parts of one package target, fetched from the npm registry by exact version
// (`npm pack` into .cache/npm-packs, reused across runs) and laid into a staging copy of the
// project, so the project's own node_modules never changes.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';

/** vsce's platform targets we ship (onnxruntime-node 1.30 has no darwin-x64 binary: no Intel Macs). */
export const TARGETS = ['linux-x64', 'linux-arm64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
export const OS_OF = { linux: 'linux', darwin: 'darwin', win32: 'win32' };

/** @napi-rs/image names its platform packages with the C runtime. */
export const napiImageName = (t) => `@napi-rs/image-${t.startsWith('linux') ? `${t}-gnu` : t.startsWith('win32') ? `${t}-msvc` : t}`;

const readJson = (f) => JSON.parse(readFileSync(f, 'utf8'));

/** The exact packages (name@version) a target's sharp and @napi-rs/image need, from their own optionalDependencies. */
export function nativePackages(root, target) {
  const sharp = readJson(path.join(root, 'node_modules/sharp/package.json')).optionalDependencies ?? {};
  const napi = readJson(path.join(root, 'node_modules/@napi-rs/image/package.json')).optionalDependencies ?? {};
  const want = [[`@img/sharp-${target}`, sharp], [`@img/sharp-libvips-${target}`, sharp], [napiImageName(target), napi]];
  const out = [];
  for (const [name, deps] of want) {
    if (deps[name]) out.push({ name, version: deps[name] });
    else if (!name.includes('libvips')) throw new Error(`${name} is not an optional dependency of the installed package: cannot package ${target}`);
  }
  return out; // sharp's win32 packages carry libvips themselves (no sharp-libvips-win32-*).
}

const tarballName = (p) => `${p.name.replace(/^@/, '').replace('/', '-')}-${p.version}.tgz`;

/** Fetches the packs not yet in `cacheDir` (one `npm pack` for all of them). Returns each pack's path. */
export function fetchPacks(pkgs, cacheDir) {
  mkdirSync(cacheDir, { recursive: true });
  const missing = pkgs.filter((p) => !existsSync(path.join(cacheDir, tarballName(p))));
  if (missing.length) {
    const specs = missing.map((p) => `${p.name}@${p.version}`);
    console.log(`fetching from the npm registry: ${specs.join(', ')}`);
    const r = spawnSync('npm', ['pack', ...specs, '--pack-destination', cacheDir, '--silent'], { encoding: 'utf8', shell: process.platform === 'win32' });
    if (r.status !== 0) throw new Error(`npm pack ${specs.join(' ')} failed:\n${r.stderr}`);
  }
  return pkgs.map((p) => {
    const f = path.join(cacheDir, tarballName(p));
    if (!existsSync(f)) throw new Error(`npm pack did not produce ${f}`);
    return { ...p, tarball: f };
  });
}

/** Hard-links a tree (no copy of the bytes; the staging copy only ever unlinks or adds files). */
function linkTree(src, dst, skip = () => false) {
  mkdirSync(dst, { recursive: true });
  for (const e of readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (skip(s, e)) continue;
    if (e.isDirectory()) linkTree(s, d, skip);
    else if (e.isSymbolicLink()) cpSync(s, d, { verbatimSymlinks: true });
    else if (e.isFile()) {
      try {
        linkSync(s, d);
      } catch {
        cpSync(s, d);
      }
    }
  }
}

const PLATFORM_PKG = /^(sharp-(?!.*wasm).+|image-.+)$/;

/**
 * A staging copy of the project for `target`: the project's files hard-linked, node_modules without
 * any platform package of sharp or @napi-rs/image, and the target's packs unpacked in their place.
 */
export function stage(root, target, packs, stageDir) {
  rmSync(stageDir, { recursive: true, force: true });
  const top = new Set(['.git', '.cache', '.e2e', '.bench', 'dist-vsix', 'test-output', 'node_modules', '.gl', '.whl']);
  linkTree(root, stageDir, (s) => path.dirname(s) === root && top.has(path.basename(s)));
  const nm = path.join(root, 'node_modules');
  linkTree(nm, path.join(stageDir, 'node_modules'), (s, e) => {
    const rel = path.relative(nm, s).split(path.sep);
    if (rel.length === 1 && rel[0] === '.package-lock.json') return true; // describes the project's own tree
    return e.isDirectory() && rel.length === 2 && (rel[0] === '@img' || rel[0] === '@napi-rs') && PLATFORM_PKG.test(rel[1]);
  });
  for (const p of packs) {
    const dir = path.join(stageDir, 'node_modules', p.name);
    mkdirSync(dir, { recursive: true });
    const r = spawnSync('tar', ['-xzf', p.tarball, '-C', dir, '--strip-components=1'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not unpack ${p.tarball}: ${r.stderr}`);
  }
  return stageDir;
}

export function sizeMB(file) {
  return statSync(file).size / 1e6;
}
