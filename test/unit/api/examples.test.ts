// The **Example:** blocks in the public doc comments (library API, Classifier interface) run as
// written, against the tiny generated CLIP model in place of the default checkpoint, in a folder
// holding photos/red.png, green.png and blue.png; each `console.log(x); // 'value'` must print value.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import * as api from '../../../src/api';
import { solidColorPng, tempDir, tinyModel } from '../../support/fixtures';

const SOURCES = ['src/api/index.ts', 'src/core/classifier.ts'];

/** The fenced js blocks after "**Example:**" in the doc comments of a file. */
function examples(file: string): { name: string; code: string }[] {
  const text = readFileSync(file, 'utf8');
  const out: { name: string; code: string }[] = [];
  for (const m of text.matchAll(/\*\*Example:\*\*[^\n]*\n((?:\s*\*[^\n]*\n)*?)\s*\*\/\s*\nexport (?:async )?(?:function|interface) (\w+)/g)) {
    const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
    const start = lines.indexOf('```js');
    if (start < 0) continue;
    out.push({ name: m[2], code: lines.slice(start + 1, lines.indexOf('```', start + 1)).join('\n') });
  }
  return out;
}

const all = SOURCES.flatMap((f) => examples(f).map((e) => ({ ...e, file: f })));

test('every public function of the library API and the Classifier interface has an example', () => {
  const names = all.map((e) => e.name).sort();
  assert.deepEqual(names, ['Classifier', 'classify', 'label', 'similarity', 'zeroShotClassifier'].sort());
});

for (const ex of all) {
  test(`the example of ${ex.name} (${ex.file}) runs and prints what its comments say`, async () => {
    const model = await tinyModel('clip');
    const cacheDir = await tempDir('api-examples-cache-');
    const dir = await tempDir('api-examples-');
    await fs.mkdir(path.join(dir, 'photos'));
    for (const c of ['red', 'green', 'blue']) await fs.writeFile(path.join(dir, 'photos', `${c}.png`), await solidColorPng(c, 40));
    const o = { model, cacheDir };
    const library = {
      ...api,
      classify: (i: string | Buffer, l: string[], opts = {}) => api.classify(i, l, { ...o, ...opts }),
      label: (i: string | Buffer, l: string[], opts = {}) => api.label(i, l, { ...o, ...opts }),
      similarity: (a: string | Buffer, b: string | Buffer, opts = {}) => api.similarity(a, b, { ...o, ...opts }),
      zeroShotClassifier: (opts = {}) => api.zeroShotClassifier({ ...o, ...opts }),
    };
    const nodeRequire = createRequire(__filename);
    const req = (id: string) => (id === 'image-triage' ? library : nodeRequire(id));
    const printed: string[] = [];
    const con = { log: (...xs: unknown[]) => printed.push(xs.map(String).join(' ')) };
    // The example's relative paths, resolved in the test's folder (the process keeps its cwd: the
    // model worker resolves its loader from it).
    const code = ex.code.replaceAll("'photos", `'${dir.replaceAll('\\', '/')}/photos`);
    const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor;
    await new AsyncFunction('require', 'console', code)(req, con);
    const expected = ex.code
      .split('\n')
      .filter((l) => /console\.log\(/.test(l))
      .map((l) => /\/\/ ('[^']*'|-?\d+(?:\.\d+)?|true|false)(?=\s|$)/.exec(l)?.[1]);
    assert.equal(printed.length, expected.length, `one line printed per console.log: ${JSON.stringify(printed)}`);
    expected.forEach((want, i) => {
      if (want !== undefined) assert.equal(printed[i], want.replace(/^'|'$/g, ''), `${ex.name}: line ${i + 1}`);
    });
  });
}
