// Benchmark inputs: real photos (hymenoptera) and CIFAR-10 JPEGs from ../shared, copied into a temp
// folder so sidecars can be written next to them.
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CategorySet } from '../core/types';
import { DEFAULT_TEMPLATES } from '../core/categories';

export const SHARED = path.resolve('../shared/datasets');

async function list(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await list(p)));
    else if (/\.jpe?g$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

/** n images: all hymenoptera photos first, then CIFAR to fill up. */
export async function benchImages(n: number): Promise<string[]> {
  const hym = await list(path.join(SHARED, 'hymenoptera'));
  const cifar = await list(path.join(SHARED, 'cifar10-test'));
  return [...hym, ...cifar].slice(0, n);
}

export async function cifarImages(n: number): Promise<string[]> {
  return (await list(path.join(SHARED, 'cifar10-test'))).slice(0, n);
}

/** Copies images into a fresh temp folder (flat, unique names). */
export async function stage(files: string[], label: string): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `bench-${label}-`));
  await Promise.all(files.map((f, i) => fs.copyFile(f, path.join(dir, `${String(i).padStart(5, '0')}-${path.basename(f)}`))));
  return dir;
}

const NAMES = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
  'ant', 'bee', 'flower', 'building', 'person', 'food', 'tree', 'boat', 'bicycle', 'chair',
  'computer', 'phone', 'book', 'bottle', 'cup', 'shoe', 'bag', 'clock', 'lamp', 'guitar',
];

/** n categories with descriptions, default templates. */
export function benchCategories(n: number): CategorySet {
  return {
    mode: 'single_label',
    categories: NAMES.slice(0, n).map((name) => ({ name, description: `A photo whose main subject is a ${name}.` })),
    templates: [...DEFAULT_TEMPLATES],
  };
}
