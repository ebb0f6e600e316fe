// 10,000 mutated real sidecars (dropped, retyped, huge, deep, unicode, prototype keys): each is either
// read correctly (and then every consumer — panel summary, decisions, classification, audit, trust
// report and its renderings — works on it) or reported as a SidecarCorruptError with a JSON path.
// Nothing throws anything else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { SidecarCorruptError, parseSidecar, readSidecar, updateSidecar } from '../../../src/core/sidecarStore';
import type { Sidecar } from '../../../src/core/types';
import { mulberry32 } from '../../../src/core/audit/prng';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { pred, review, done, sidecar } from '../audit/fixtures';
import { exerciseConsumers } from './consumers';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
const UNICODE = ['\u202e\u0645\u0631\u062d\u0628\u0627', '\ud800', '\udfff\ud800', 'a\u0000b', '🐝🐜'.repeat(3), 'e\u0301', '\ufeff', '\n\r\t', '<img src=x onerror=alert(1)>'];

async function realSidecars(): Promise<Json[]> {
  const root = await tempDir('fuzz-');
  for (const c of ['red', 'blue', 'green']) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 32));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'multi_label', categories: ['red', 'blue', 'green'].map((n) => ({ name: n, description: `a ${n} square` })) }));
  assert.equal((await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', await tempDir()])).code, 0);
  assert.equal((await cli(['review', path.join(root, 'red.png'), '--label', 'blue', '--note', 'n'])).code, 0);
  assert.equal((await cli(['review', path.join(root, 'green.png'), '--accept'])).code, 0);
  assert.equal((await cli(['audit', 'sample', root, '--size', '3', '--seed', '1'])).code, 0);
  assert.equal((await cli(['audit', 'mark', path.join(root, 'blue.png'), '--verdict', 'partly'])).code, 0);
  const out: Json[] = [];
  for (const c of ['red', 'blue', 'green']) out.push(JSON.parse(await fs.readFile(path.join(root, `${c}.png.labels.json`), 'utf8')));
  // A VLM prediction with flags, a stale review and a finished audit entry.
  const vlm = sidecar('v.png', {
    preds: [pred({ top: 'cat', flags: ['repaired_json'], confidence: 'low' }), pred({ classifier: 'zero-shot', top: 'dog', scores: { cat: 0.2, dog: 0.7, bird: 0.1 } })],
    review: { ...review('stale', ['cat'], { classifier: 'vlm', labels: ['cat'] }), history: [{ action: 'label', status: 'overridden', labels: ['cat'], by: 'ann', at: '2026-01-02T00:00:00.000Z' }] },
    audit: [done({ verdict: 'hallucinated', category_correct: false, correct_category: 'dog', note: 'x' })],
  });
  out.push(JSON.parse(JSON.stringify(vlm)));
  return out;
}

/** Every path to a value in the tree. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

function setOwn(obj: Json, key: string | number, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function mutate(root: Json, rand: () => number): { tree: Json; what: string } {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)];
  const all = paths(root);
  const at = pick(all);
  if (!at.length) return { tree: pick([null, [], 'x', 1, true, {}]), what: 'root retyped' };
  const parent = at.slice(0, -1).reduce<Json>((o, k) => (o as Record<string, Json>)[k as string], root) as Record<string | number, Json>;
  const key = at[at.length - 1];
  const cur = parent[key];
  const kind = pick(['drop', 'retype', 'retype', 'huge', 'deep', 'unicode', 'proto', 'number']);
  const deep = (n: number): Json => {
    let v: Json = 'bottom';
    for (let i = 0; i < n; i++) v = rand() < 0.5 ? [v] : { d: v };
    return v;
  };
  switch (kind) {
    case 'drop':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'retype':
      setOwn(parent, key, pick<Json>([null, true, false, 0, -1, 1.5, '', 'x', [], {}, [1, 'a'], { a: 1 }, '2026-13-45T99:99:99Z']));
      break;
    case 'huge':
      setOwn(parent, key, pick<Json>(['x'.repeat(200_000), Array.from({ length: 20_000 }, (_, i) => String(i)), Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]))]));
      break;
    case 'deep':
      setOwn(parent, key, deep(pick([50, 150, 2000])));
      break;
    case 'unicode':
      if (typeof cur === 'string') setOwn(parent, key, cur + pick(UNICODE));
      else if (cur && typeof cur === 'object' && !Array.isArray(cur)) setOwn(cur, pick(UNICODE), pick([1, 'v', null]));
      else setOwn(parent, key, pick(UNICODE));
      break;
    case 'proto': {
      const target = cur && typeof cur === 'object' && !Array.isArray(cur) ? cur : parent;
      if (!Array.isArray(target)) setOwn(target, pick(PROTO_KEYS), pick<Json>([{ polluted: true }, null, 1, 'x', [], { labels: ['p'] }]));
      else setOwn(parent, key, pick(PROTO_KEYS));
      break;
    }
    case 'number':
      setOwn(parent, key, pick([1e308, -1e308, 5e-324, 9007199254740993, -0, 6, 0.5, 3]));
      break;
  }
  return { tree: root, what: `${kind} at /${at.join('/')}` };
}

test('10,000 mutated sidecars: each is read correctly or reported corrupt with a JSON path, nothing else throws', async () => {
  const bases = await realSidecars();
  for (const b of bases) exerciseConsumers(parseSidecar('base', JSON.stringify(b)), 'base'); // the bases are good
  const seed = Number(process.env.FUZZ_SEED ?? 20261201); // another seed explores further
  const rand = mulberry32(seed);
  let read = 0;
  let corrupt = 0;
  const failures: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    let tree = structuredClone(bases[i % bases.length]);
    const whats: string[] = [];
    for (let m = 0, n = 1 + Math.floor(rand() * 3); m < n; m++) {
      const r = mutate(tree, rand);
      tree = r.tree;
      whats.push(r.what);
    }
    const text = JSON.stringify(tree);
    let sc: Sidecar;
    try {
      sc = parseSidecar('fuzz.labels.json', text);
    } catch (e) {
      if (e instanceof SidecarCorruptError && typeof e.jsonPath === 'string' && e.message.includes(e.jsonPath)) corrupt++;
      else failures.push(`#${i} ${whats.join('; ')}: read threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
      continue;
    }
    read++;
    try {
      exerciseConsumers(sc, `case-${i}.png`);
    } catch (e) {
      failures.push(`#${i} ${whats.join('; ')}: a consumer threw ${(e as Error)?.name}: ${(e as Error)?.stack?.split('\n').slice(0, 3).join(' | ')}`);
    }
  }
  assert.deepEqual(failures.slice(0, 10), [], `seed ${seed}: ${failures.length} of 10,000 failed`);
  assert.equal(read + corrupt, 10_000);
  assert.ok(read > 1000 && corrupt > 1000, `both outcomes are exercised (read ${read}, corrupt ${corrupt})`);
});

test('a corrupt sidecar on disk is reported, never rewritten, by reads and by locked updates', async () => {
  const dir = await tempDir('fuzzdisk-');
  const image = path.join(dir, 'p.png');
  const text = JSON.stringify({ ...(await realSidecars())[0] as object, predictions: { 'zero-shot': { predicted_categories: 'x' } } });
  await fs.writeFile(image + '.labels.json', text);
  await assert.rejects(readSidecar(image), (e: SidecarCorruptError) => e.jsonPath === '/predictions/zero-shot');
  await assert.rejects(updateSidecar(image, (cur) => cur), SidecarCorruptError);
  assert.equal(await fs.readFile(image + '.labels.json', 'utf8'), text);
});
