// "Add category…" writes into categories.json: the new entry lands last in "categories", every other
// byte of the file stays (comments, other keys, formatting, CRLF), the result is validated by the
// categories file's own rules (every problem named, nothing written), and the write is atomic.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CategoriesError, parseCategories } from '../../../src/core/categories';
import { addCategoryText, addCategoryToFile } from '../../../src/core/categoriesEdit';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const FILE = `// colour categories for the tiny model
{
  "mode": "single_label", // one label per image
  "categories": [
    /* the first two */
    { "name": "red", "description": "an image that is red" },
    {
      "name": "green",
      "description": "an image that is green // not a comment"
    }
  ],
  "templates": ["{description}"],
  "thresholds": { "softmax": { "scores": [0.2, 0.4, 0.6, 0.8] } }
}
`;

test('the new category is appended; comments, other keys and formatting are kept byte for byte', () => {
  const r = addCategoryText(FILE, { name: 'yellow', description: 'an image that is "yellow"' });
  assert.deepEqual(r.set.categories.map((c) => c.name), ['red', 'green', 'yellow']);
  assert.equal(r.set.categories[2].description, 'an image that is "yellow"');
  const inserted = `,\n    { "name": "yellow", "description": "an image that is \\"yellow\\"" }`;
  const at = FILE.indexOf('\n  ],');
  assert.equal(r.text, FILE.slice(0, at) + inserted + FILE.slice(at), 'only the entry was added, on its own line at the array indentation');
  assert.deepEqual(r.set.templates, ['{description}']);
  assert.equal(r.set.mode, 'single_label');
});

test('trailing comma, an array on one line, CRLF line endings, brackets in strings and comments', () => {
  const trailing = '{"categories": [\n  {"name": "a", "description": "x"},\n  {"name": "b", "description": "y"},\n]}';
  assert.equal(addCategoryText(trailing, { name: 'c', description: 'z' }).text, '{"categories": [\n  {"name": "a", "description": "x"},\n  {"name": "b", "description": "y"},\n  { "name": "c", "description": "z" },\n]}');
  const inline = '{"mode":"multi_label","categories":[{"name":"a","description":"x"},{"name":"b","description":"y"}]}';
  assert.equal(addCategoryText(inline, { name: 'c', description: 'z' }).text, '{"mode":"multi_label","categories":[{"name":"a","description":"x"},{"name":"b","description":"y"}, { "name": "c", "description": "z" }]}');
  const crlf = FILE.replace(/\n/g, '\r\n');
  const out = addCategoryText(crlf, { name: 'yellow', description: 'yellow' }).text;
  assert.ok(!/[^\r]\n/.test(out), 'no bare LF was introduced');
  assert.equal(parseCategories(out).set.categories.length, 3);
  // Brackets inside strings and comments are not structure.
  const tricky = '{"categories": [{"name": "a]", "description": "x ] }"} /* ] */, {"name": "b", "description": "y"} // ]\n], "templates": ["[{name}]"]}';
  const n = addCategoryText(tricky, { name: 'c', description: 'z' });
  assert.equal(n.text, '{"categories": [{"name": "a]", "description": "x ] }"} /* ] */, {"name": "b", "description": "y"}, { "name": "c", "description": "z" } // ]\n], "templates": ["[{name}]"]}');
  assert.deepEqual(n.set.categories.map((c) => c.name), ['a]', 'b', 'c']);
});

test('refused with the rule named: duplicate (any case), empty description, reserved route, refused topic', () => {
  const refused = (name: string, description: string) => {
    try {
      addCategoryText(FILE, { name, description });
    } catch (e) {
      assert.ok(e instanceof CategoriesError);
      return e.problems.join('\n');
    }
    assert.fail(`${name} was accepted`);
  };
  assert.match(refused('Red', 'another red'), /duplicates categories\[0\]\.name/);
  assert.match(refused('purple', ''), /categories\[2\]\.description/);
  assert.match(refused('review', 'x'), /review/);
  assert.match(refused('ethnicity', 'the ethnicity of the person shown'), /categories\[2\]/);
});

test('addCategoryToFile: atomic write of the new text, no temp files left; a refused category writes nothing', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'it-catedit-'));
  dirs.push(dir);
  const file = path.join(dir, 'categories.json');
  await fs.writeFile(file, FILE);
  const r = await addCategoryToFile(file, { name: '  yellow ', description: ' an image that is yellow ' });
  assert.deepEqual(r.set.categories.at(-1), { name: 'yellow', description: 'an image that is yellow' });
  const text = await fs.readFile(file, 'utf8');
  assert.equal(text, addCategoryText(FILE, { name: 'yellow', description: 'an image that is yellow' }).text);
  await assert.rejects(addCategoryToFile(file, { name: 'YELLOW', description: 'again' }), CategoriesError);
  assert.equal(await fs.readFile(file, 'utf8'), text, 'nothing written on a refusal');
  assert.deepEqual(readdirSync(dir), ['categories.json']);
});
