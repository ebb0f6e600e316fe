// The documented JSON Schema (schema/sidecar.schema.json) must describe what the tool really writes:
// a sidecar produced by classify + review + audit validates, and a broken one does not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { cli } from '../../support/cli';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

test('real sidecars validate against schema/sidecar.schema.json', async () => {
  const schema = JSON.parse(await fs.readFile(path.resolve(__dirname, '../../../schema/sidecar.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const root = await tempDir('schema-');
  await fs.writeFile(path.join(root, 'red.png'), await solidColorPng('red', 32));
  await fs.writeFile(path.join(root, 'blue.png'), await solidColorPng('blue', 32));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'multi_label', categories: ['red', 'blue'].map((n) => ({ name: n, description: n })) }));
  assert.equal((await cli(['classify', root, '--model', await tinyModel('siglip'), '--cache-dir', await tempDir()])).code, 0);
  assert.equal((await cli(['review', path.join(root, 'red.png'), '--label', 'blue', '--note', 'n'])).code, 0);
  assert.equal((await cli(['audit', 'sample', root, '--size', '2', '--seed', '1'])).code, 0);
  assert.equal((await cli(['audit', 'mark', path.join(root, 'blue.png'), '--verdict', 'partly'])).code, 0);
  for (const f of ['red.png', 'blue.png']) {
    const sc = JSON.parse(await fs.readFile(path.join(root, `${f}.labels.json`), 'utf8')) as { audit: unknown[] };
    assert.ok(validate(sc), `${f}: ${ajv.errorsText(validate.errors)}`);
    assert.ok(sc.audit.length >= 1);
  }
  const broken = JSON.parse(await fs.readFile(path.join(root, 'red.png.labels.json'), 'utf8'));
  broken.predictions['zero-shot'].category_scores.red = 7;
  assert.equal(validate(broken), false, 'a 1..5 score of 7 is rejected');
});
