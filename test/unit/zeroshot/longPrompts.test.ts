// Long prompts: counted with the model's own tokenizer, cut to limit − 1 with the end-of-text token
// put back (CLIP pools at EOS, SigLIP at the last position), and a warning that reaches the CLI
// output and the sidecar. SigLIP prompts are normalised as its tokenizer defines it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import { siglipNormalise, textTokenLimit, tokenizeBatch, type TokenizerLike } from '../../../src/classifiers/zeroShot/textInputs';
import { SHARED, solidColorPng, tempDir, tinyModel } from '../../support/fixtures';
import { cli } from '../../support/cli';

const CLIP_DIR = path.join(SHARED, 'models/clip-vit-base-patch32');
// 118 words + BOS + EOS = 120 tokens with the real CLIP BPE ("damaged" etc. are single tokens).
const WORDS = 'the box arrived with a damaged corner and a torn label'.split(' ');
const longText = (n: number) => Array.from({ length: n }, (_, i) => WORDS[i % WORDS.length]).join(' ');

test('real CLIP tokenizer: a 120-token description is cut to 77 ending in <|endoftext|> (49407), and the drop is counted', async () => {
  const tok = (await AutoTokenizer.from_pretrained(CLIP_DIR)) as unknown as TokenizerLike;
  const config = JSON.parse(await fs.readFile(path.join(CLIP_DIR, 'config.json'), 'utf8'));
  const limit = textTokenLimit(config, tok, 'clip');
  assert.equal(limit, 77);
  const text = longText(118);
  assert.equal(tok.encode(text).length, 120, 'the description really is 120 tokens');
  const b = tokenizeBatch(tok, [text, 'a photo of a cat.'], limit, 'clip');
  assert.equal(b.counts[0], 120);
  assert.equal(b.dropped[0], 43);
  assert.equal(b.dropped[1], 0);
  const lastReal = (row: number) => b.ids[row][b.mask[row].lastIndexOf(1)];
  assert.equal(b.ids[0].length, 77);
  assert.equal(lastReal(0), 49407, 'EOS is the last non-padding id');
  assert.equal(b.ids[0][0], 49406, 'BOS kept');
  assert.deepEqual(b.ids[0].slice(0, 76), tok.encode(text).slice(0, 76), 'the first 76 tokens are kept as they were');
  assert.equal(lastReal(1), 49407);
  assert.equal(b.mask[1].filter(Boolean).length, 8, 'the short prompt is padded, not cut');
  // What transformers.js's own truncation does: the EOS falls off.
  const naive = (tok as unknown as (t: string[], o: object) => { input_ids: { tolist(): bigint[][] } })([text], { truncation: true, padding: true }).input_ids.tolist()[0];
  assert.notEqual(Number(naive[naive.length - 1]), 49407);
});

test('SigLIP text normalisation: lowercase, ASCII punctuation removed, whitespace collapsed', () => {
  assert.equal(siglipNormalise('  A Photo of   the Damaged-Box, (front)!  '), 'a photo of the damagedbox front');
  assert.equal(siglipNormalise('Red.\n\tGreen?'), 'red green');
  assert.equal(siglipNormalise('café ÜBER'), 'café über', 'non-ASCII letters are kept, only lowercased');
});

test('SigLIP prompts are normalised before tokenising, so case and punctuation do not change the embedding input', async () => {
  const { AutoTokenizer: AT } = await import('@huggingface/transformers');
  const tok = (await AT.from_pretrained(await tinyModel('siglip'))) as unknown as TokenizerLike;
  const a = tokenizeBatch(tok, ['A photo of RED!', 'a photo of red'], 64, 'siglip');
  assert.deepEqual(a.ids[0], a.ids[1]);
  assert.equal(a.ids[0].length, 64, 'SigLIP pads to the full length');
});

test('classify: a 120-token prompt warns in the CLI output and in every sidecar, naming category, template and tokens dropped', async () => {
  const root = await tempDir('long-');
  await fs.writeFile(path.join(root, 'red.png'), await solidColorPng('red', 32));
  const long = `red ${longText(117)}`;
  await fs.writeFile(
    path.join(root, 'categories.json'),
    JSON.stringify({ mode: 'single_label', categories: [{ name: 'red', description: long }, { name: 'blue', description: 'blue' }], templates: ['{description}'] }),
  );
  const r = await cli(['classify', root, '--model', await tinyModel('clip'), '--cache-dir', await tempDir()]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /warning: Category "red", template "\{description\}": the prompt is \d+ tokens, over the model's limit of 77; the last \d+ tokens before the end-of-text token were dropped/);
  const sc = JSON.parse(await fs.readFile(path.join(root, 'red.png.labels.json'), 'utf8'));
  const w = sc.predictions['zero-shot'].warnings as string[];
  assert.ok(w.some((x) => x.startsWith('Category "red", template "{description}"')), w.join('\n'));
  assert.equal(sc.predictions['zero-shot'].would_route_to, 'red', 'the cut prompt still embeds as red');
  assert.doesNotMatch(r.err, /characters; zero-shot text encoders read about 300/, 'the 300-character rule is gone');
});
