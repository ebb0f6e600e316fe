// Property tests (fast-check) of the VLM answer parser (extractJson → validateCard, what the classifier
// runs on every answer): 10,000 generated cards and 10,000 mutated answers. It never throws, every
// prediction it produces names only categories of the set (scores, predicted, route), with every
// score an integer 1..5, and model strings come out as plain bounded text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { extractJson } from '../../../src/classifiers/vlm/parse';
import { validateCard, type PredictionMeta } from '../../../src/classifiers/vlm/validate';
import type { CategorySet, Prediction } from '../../../src/core/types';
import { XSS_PAYLOADS } from '../../support/hostile';

const RUNS = 10_000;
const META: PredictionMeta = { checkpoint: 'fuzz-vlm', categoriesHash: 'h', imageSha256: 'f'.repeat(64), createdAt: '2026-01-01T00:00:00.000Z', promptVersion: 'v' };
const SETS: CategorySet[] = ['single_label', 'multi_label'].map((mode) => ({
  mode: mode as CategorySet['mode'],
  categories: ['cat', 'dog', 'bird_of_prey', '__proto__', 'Ölgemälde'].map((name) => ({ name, description: `a ${name}` })),
  templates: ['{name}'],
}));
const NAMES = SETS[0].categories.map((c) => c.name);

/** Names a model might produce: right, near (case, spaces, punctuation), hostile and unknown. */
const modelName = fc.oneof(
  fc.constantFrom(...NAMES),
  fc.constantFrom(...NAMES).map((n) => n.toUpperCase().replace(/_/g, ' ')),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'prototype', '', ' ', 'cat ', 'dogs', 'bird', 'cat|dog', 'none', 'review', ...XSS_PAYLOADS.slice(0, 5)),
  fc.string({ maxLength: 12 }),
);
const scoreValue = fc.oneof(fc.integer({ min: -3, max: 9 }), fc.double(), fc.constantFrom('5', ' 3 ', 'five', '4.6', null, true, [], {}));
const entry = fc.record(
  { name: fc.oneof(modelName, fc.constant(7 as unknown as string)), score: scoreValue, confidence: fc.constantFrom('high', 'medium', 'low', 'HIGH', 3, null), visual_evidence: fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom(...XSS_PAYLOADS), fc.constant('x'.repeat(5000)), fc.constant(null)) },
  { requiredKeys: [] },
);
const card = fc.record(
  {
    category_scores: fc.oneof(fc.dictionary(modelName, scoreValue, { maxKeys: 8 }), fc.constantFrom(null, [], 'cat: 5', 5)),
    predicted_categories: fc.oneof(fc.array(entry, { maxLength: 4 }), fc.constantFrom(null, 'cat', {})),
    fits_any: fc.constantFrom(true, false, 'yes', null),
    would_route_to: modelName,
    decision_basis: fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom(...XSS_PAYLOADS), fc.constant('word '.repeat(200)), fc.constant(42)),
  },
  { requiredKeys: ['category_scores'] },
);

/** How a model might wrap its JSON: plain, fenced, after a think block, inside prose, cut short. */
const wrapped = fc.tuple(card, fc.integer({ min: 0, max: 6 }), fc.string({ maxLength: 30 })).map(([c, how, prose]) => {
  const json = JSON.stringify(c);
  switch (how) {
    case 0: return json;
    case 1: return '```json\n' + json + '\n```';
    case 2: return `<think>{"category_scores":{"dog":5}}</think>${json}`;
    case 3: return `${prose} ${json} ${prose}`;
    case 4: return json.slice(0, Math.floor(json.length / 2));
    case 5: return '\uFEFF' + json.replace(/"/g, "'");
    default: return `${json}\n${json}`;
  }
});

/** Byte-level mutations of an answer: drop, duplicate, flip characters, splice in noise. */
const mutated = fc.tuple(wrapped, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 3 }), fc.string({ maxLength: 4 })), { maxLength: 4 })).map(([s, edits]) => {
  let t = s;
  for (const [at, op, noise] of edits) {
    const i = t.length ? at % t.length : 0;
    if (op === 0) t = t.slice(0, i) + t.slice(i + 1);
    else if (op === 1) t = t.slice(0, i) + noise + t.slice(i);
    else if (op === 2) t = t.slice(0, i) + t.slice(i, i + 8) + t.slice(i);
    else t = t.slice(0, i) + '\uFFFD\u0000\u202e' + t.slice(i);
  }
  return t;
});

function check(raw: string, set: CategorySet): Prediction | null {
  const parsed = extractJson(raw);
  if (!parsed.ok) {
    assert.ok(parsed.error.length > 0);
    return null;
  }
  const r = validateCard(parsed.value, set, META);
  if (!r.ok) {
    assert.ok(r.error.length > 0);
    return null;
  }
  const p = r.prediction;
  assert.deepEqual(Object.keys(p.category_scores), NAMES, 'a score for every category of the set, and only those');
  for (const s of Object.values(p.category_scores)) assert.ok(Number.isInteger(s) && s >= 1 && s <= 5, `score ${s}`);
  for (const c of p.predicted_categories) {
    assert.ok(NAMES.includes(c.name), `predicted "${c.name}", not a category`);
    assert.equal(typeof c.visual_evidence, 'string');
    assert.ok(c.visual_evidence.length <= 2000);
  }
  assert.ok(p.would_route_to === 'review' || NAMES.includes(p.would_route_to), `routed to "${p.would_route_to}"`);
  if (set.mode === 'single_label') assert.ok(p.predicted_categories.length <= 1);
  assert.equal(typeof p.decision_basis, 'string');
  return p;
}

test(`${RUNS} generated answers: never a throw, never a category outside the set`, () => {
  let predictions = 0;
  fc.assert(
    fc.property(wrapped, fc.constantFrom(...SETS), (raw, set) => {
      if (check(raw, set)) predictions++;
    }),
    { numRuns: RUNS, seed: 16 },
  );
  assert.ok(predictions > RUNS / 10, `only ${predictions} answers made a prediction: the generator is too hostile to test the good path`);
});

test(`${RUNS} mutated answers (dropped, spliced, duplicated characters): never a throw, never a category outside the set`, () => {
  fc.assert(
    fc.property(mutated, fc.constantFrom(...SETS), (raw, set) => void check(raw, set)),
    { numRuns: RUNS, seed: 61 },
  );
});

test('answers that are not cards: empty, huge, not UTF-8, no JSON: a clear error each', () => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['   \n', /empty/],
    ['x'.repeat(5 * 1024 * 1024), /over the 200000 limit/],
    [Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xa0]).toString('utf8'), /no JSON object/],
    ['{"category_scores": {"cat": 5', /incomplete/],
  ];
  for (const [raw, re] of cases) {
    const r = extractJson(raw);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error, re);
  }
});
