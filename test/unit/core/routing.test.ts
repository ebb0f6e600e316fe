import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardConfidence, cardRoute, chooseByCard, truncateWords } from '../../../src/core/routing';

const order = ['a', 'b', 'c'];

test('single_label picks the top category unless its score is at most 2', () => {
  assert.deepEqual(chooseByCard({ a: 3, b: 5, c: 1 }, order, 'single_label'), ['b']);
  assert.deepEqual(chooseByCard({ a: 2, b: 2, c: 1 }, order, 'single_label'), []);
  assert.deepEqual(chooseByCard({ a: 4, b: 4, c: 1 }, order, 'single_label'), ['a'], 'ties go to the earlier category');
});

test('multi_label picks every category scoring 4 or 5', () => {
  assert.deepEqual(chooseByCard({ a: 4, b: 5, c: 3 }, order, 'multi_label'), ['b', 'a']);
  assert.deepEqual(chooseByCard({ a: 3, b: 3, c: 3 }, order, 'multi_label'), []);
});

test('confidence and route follow the card', () => {
  assert.equal(cardConfidence(5, false), 'high');
  assert.equal(cardConfidence(5, true), 'medium');
  assert.equal(cardConfidence(4, false), 'medium');
  assert.equal(cardConfidence(3, false), 'low');
  const p = (name: string, score: number, confidence: 'high' | 'medium' | 'low') => ({ name, score, confidence, visual_evidence: '' });
  assert.equal(cardRoute([p('a', 5, 'high')], true), 'a');
  assert.equal(cardRoute([p('a', 3, 'low')], true), 'review');
  assert.equal(cardRoute([], false), 'review');
  assert.equal(cardRoute([p('a', 4, 'medium'), p('b', 5, 'high')], true), 'b');
});

test('decision basis is cut to 30 words', () => {
  const long = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
  const t = truncateWords(long);
  assert.equal(t.truncated, true);
  assert.equal(t.text.split(' ').length, 30);
  assert.deepEqual(truncateWords('short basis'), { text: 'short basis', truncated: false });
});
