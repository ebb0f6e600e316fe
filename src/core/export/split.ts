// `--split train=0.8,val=0.1,test=0.1 --seed S`: a seeded split stratified by label set, so every
// label keeps its proportion in each split (largest-remainder counts per label).
import { mulberry32, shuffled } from '../audit/prng';

export interface SplitSpec {
  name: string;
  fraction: number;
}

export function parseSplit(text: string): SplitSpec[] {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  const out: SplitSpec[] = [];
  for (const p of parts) {
    const m = /^([A-Za-z0-9_-]{1,32})=([0-9]*\.?[0-9]+)$/.exec(p);
    if (!m) throw new Error(`"${p}" is not name=fraction (e.g. train=0.8)`);
    const fraction = Number(m[2]);
    if (!(fraction > 0 && fraction <= 1)) throw new Error(`the fraction of ${m[1]} must be in (0, 1]`);
    if (out.some((s) => s.name.toLowerCase() === m[1].toLowerCase())) throw new Error(`split ${m[1]} is given twice`);
    out.push({ name: m[1], fraction });
  }
  if (!out.length) throw new Error('no splits given');
  const sum = out.reduce((s, x) => s + x.fraction, 0);
  if (Math.abs(sum - 1) > 1e-6) throw new Error(`the fractions add up to ${+sum.toFixed(6)}, not 1`);
  return out;
}

/** Integer counts per split for n items: floor, then the largest remainders (ties: earlier split). */
export function splitCounts(n: number, specs: readonly SplitSpec[]): number[] {
  const raw = specs.map((s) => s.fraction * n);
  const counts = raw.map(Math.floor);
  let left = n - counts.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => ({ i, rem: r - Math.floor(r) })).sort((a, b) => b.rem - a.rem || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k].i]++;
  return counts;
}

/** Assigns each key (stable id) a split; items grouped by `group` (the label set). Deterministic. */
export function assignSplits<T>(items: readonly T[], key: (t: T) => string, group: (t: T) => string, specs: readonly SplitSpec[], seed: number): Map<string, string> {
  const groups = new Map<string, T[]>();
  for (const it of items) {
    const g = group(it);
    (groups.get(g) ?? groups.set(g, []).get(g)!).push(it);
  }
  const rng = mulberry32(seed);
  const out = new Map<string, string>();
  for (const g of [...groups.keys()].sort()) {
    const members = [...groups.get(g)!].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    const order = shuffled(members, rng);
    const counts = splitCounts(order.length, specs);
    let at = 0;
    specs.forEach((s, i) => {
      for (let k = 0; k < counts[i]; k++) out.set(key(order[at++]), s.name);
    });
  }
  return out;
}
