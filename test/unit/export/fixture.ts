// A classified and partly reviewed folder for the export and eval tests: four colours in two
// subfolders with the same file names (name collisions), one corrupt image (a failed image), and
// reviews of every kind (accepted, overridden, rejected, stale-free pending).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { cli } from '../../support/cli';
import { colourCategories, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

export const COLOURS = ['red', 'green', 'blue', 'yellow'];
const PER = 5;

export interface ReviewedFolder {
  root: string;
  cache: string;
  model: string;
}

export async function reviewedFolder(): Promise<ReviewedFolder> {
  const root = await tempDir('export-src-');
  for (const sub of ['s1', 's2']) {
    await fs.mkdir(path.join(root, sub), { recursive: true });
    for (const c of COLOURS) for (let i = 0; i < PER; i++) if ((sub === 's1') === i < 3) await fs.writeFile(path.join(root, sub, `${c}${i}.png`), await solidColorPng(c, 32 + i));
  }
  // The same name in both subfolders: s1/red0.png and s2/red0.png.
  await fs.writeFile(path.join(root, 's2', 'red0.png'), await solidColorPng('red', 50));
  await fs.writeFile(path.join(root, 's1', 'broken.png'), (await solidColorPng('red', 40)).subarray(0, 30));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify(colourCategories(COLOURS)));
  const model = await tinyModel('clip');
  const cache = await tempDir('export-cache-');
  const r = await cli(['classify', root, '--model', model, '--cache-dir', cache]);
  if (r.code !== 2) throw new Error(`classify: ${r.code} ${r.err}`);
  const p = (rel: string) => path.join(root, rel);
  // Accept most; override one (s2/yellow4 → green); reject one; leave s2/blue3 and s2/green4 pending.
  const accept = (await allImages(root)).filter((f) => !/broken|yellow4|red2|blue3|green4/.test(f));
  await cli(['review', ...accept.map(p), '--accept', '--by', 'ann']);
  await cli(['review', p('s2/yellow4.png'), '--label', 'green', '--by', 'ann']);
  await cli(['review', p('s1/red2.png'), '--reject', '--by', 'ann']);
  return { root, cache, model };
}

export async function allImages(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const sub of ['s1', 's2']) for (const f of (await fs.readdir(path.join(root, sub))).sort()) if (f.endsWith('.png')) out.push(`${sub}/${f}`);
  return out;
}

/** Every file under root with its sha256 and mtime: proof the reviewed folder was not modified. */
export async function snapshot(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else {
        const st = await fs.stat(full);
        out.push(`${path.relative(root, full)} ${createHash('sha256').update(await fs.readFile(full)).digest('hex')} ${st.mtimeMs}`);
      }
    }
  };
  await walk(root);
  return out.sort();
}

/** Runs Python with Debian's torchvision/pandas/sklearn (scripts/pyref.sh sets them up on first use). */
export function py(code: string, args: string[] = []): unknown {
  const script = path.resolve(__dirname, '../../../scripts/pyref.sh');
  const r = spawnSync('bash', [script, '-c', code, ...args], { encoding: 'utf8', maxBuffer: 64 << 20, timeout: 600_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}
