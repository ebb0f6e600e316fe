import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROMPT_VERSION, VLM_TEMPERATURE, buildPrompt, buildRepairPrompt, cardJsonSchema } from '../../../src/classifiers/vlm/prompt';
import { MULTI, SET } from './fixtures';

test('the prompt is versioned and asks for temperature 0', () => {
  assert.match(PROMPT_VERSION, /^routing-card-v\d+$/);
  assert.equal(VLM_TEMPERATURE, 0);
});

test('the user prompt gives the mode and the categories as a JSON array of {name, description}', () => {
  const p = buildPrompt(SET);
  assert.match(p.user, /Mode: single_label/);
  const json = p.user.slice(p.user.indexOf('['), p.user.lastIndexOf(']') + 1);
  assert.deepEqual(JSON.parse(json), SET.categories);
  assert.match(buildPrompt(MULTI).user, /Mode: multi_label/);
});

test('the system prompt states the card rules and the exact JSON shape', () => {
  const { system } = buildPrompt(SET);
  for (const s of ['category_scores', 'predicted_categories', 'fits_any', 'would_route_to', 'decision_basis', 'visual_evidence', '"review"', '30 words', 'single_label', 'multi_label']) {
    assert.ok(system.includes(s), `system prompt mentions ${s}`);
  }
  assert.match(system, /highest score is 2 or less/);
  assert.match(system, /score of 4 or more/);
});

test('the repair prompt names the problem and echoes a bounded previous answer', () => {
  const p = buildRepairPrompt(SET, 'the JSON object in the answer is incomplete', 'x'.repeat(5000));
  assert.match(p.user, /could not be used: the JSON object in the answer is incomplete/);
  assert.ok(p.user.length < buildPrompt(SET).user.length + 2000);
  assert.equal(p.system, buildPrompt(SET).system);
});

test('the JSON schema enumerates the category names and is strict-mode shaped', () => {
  const s = cardJsonSchema(SET) as any;
  assert.deepEqual(s.properties.category_scores.required, ['cat', 'dog', 'bird']);
  assert.deepEqual(s.properties.predicted_categories.items.properties.name.enum, ['cat', 'dog', 'bird']);
  assert.deepEqual(s.properties.would_route_to.enum, ['cat', 'dog', 'bird', 'review']);
  const walk = (node: any) => {
    if (node?.type === 'object') {
      assert.equal(node.additionalProperties, false);
      assert.deepEqual([...node.required].sort(), Object.keys(node.properties).sort());
      Object.values(node.properties).forEach(walk);
    }
    if (node?.type === 'array') walk(node.items);
  };
  walk(s);
});
