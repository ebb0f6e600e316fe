import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractJson } from '../../../src/classifiers/vlm/parse';
import { cardText, goodCard } from './fixtures';

test('plain JSON is taken whole', () => {
  const r = extractJson(cardText());
  assert.ok(r.ok);
  assert.equal(r.source, 'plain');
  assert.deepEqual(r.value, goodCard());
});

test('JSON inside a ```json fence with prose around it', () => {
  const raw = `Sure! Here is my analysis.\n\n\`\`\`json\n${JSON.stringify(goodCard(), null, 2)}\n\`\`\`\n\nLet me know if you need more.`;
  const r = extractJson(raw);
  assert.ok(r.ok);
  assert.equal(r.source, 'fenced');
  assert.deepEqual(r.value, goodCard());
});

test('an unlabelled fence works too', () => {
  const r = extractJson('```\n' + cardText() + '\n```');
  assert.ok(r.ok);
  assert.deepEqual(r.value, goodCard());
});

test('prose around a bare object: the balanced outermost object is found', () => {
  const raw = `I looked at the {image} carefully. Result: ${cardText()} Hope that helps}`;
  const r = extractJson(raw);
  assert.ok(r.ok);
  assert.equal(r.source, 'embedded');
  assert.deepEqual(r.value, goodCard());
});

test('braces and quotes inside strings do not confuse the scan', () => {
  const card = goodCard({ decision_basis: 'Looks like a cat } not a "dog" {really}, \\ ok' });
  const r = extractJson(`Answer: ${JSON.stringify(card)} done.`);
  assert.ok(r.ok);
  assert.deepEqual(r.value, card);
});

test('an object that looks like a card wins over another object in the prose', () => {
  const r = extractJson(`Settings used: {"temperature": 0}. Card: ${cardText()}`);
  assert.ok(r.ok);
  assert.deepEqual(r.value, goodCard());
});

test('reasoning in <think> tags is ignored', () => {
  const r = extractJson(`<think>maybe {"category_scores": {"dog": 5}} ... no</think>\n${cardText()}`);
  assert.ok(r.ok);
  assert.deepEqual(r.value, goodCard());
});

test('truncated JSON is reported as incomplete, not guessed', () => {
  const text = cardText();
  const r = extractJson(text.slice(0, text.length - 20));
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /incomplete/);
});

test('no JSON, empty, arrays and oversized answers are errors', () => {
  assert.equal(extractJson('I cannot classify this image.').ok, false);
  assert.equal(extractJson('   ').ok, false);
  assert.equal(extractJson('[1, 2, 3]').ok, false);
  assert.equal(extractJson('{"a": 1,}').ok, false);
  assert.equal(extractJson('{'.repeat(300_000)).ok, false);
});

test('pathological nesting is bounded (returns quickly)', () => {
  const start = Date.now();
  const r = extractJson('x ' + '{"a":'.repeat(20_000) + '1' + ' y');
  assert.equal(r.ok, false);
  assert.ok(Date.now() - start < 10_000, 'linear, not exponential');
});
