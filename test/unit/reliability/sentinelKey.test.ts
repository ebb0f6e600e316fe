// A sentinel API key through a whole VLM workflow on the CLI: classify (with a server that echoes the
// key in its errors), review, audit, trust reports, exports and a bad key. Then every file written
// (sidecars, reports, exports, caches, journals), every line printed and every error message is
// searched: the key is never found.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { solidColorPng, tempDir } from '../../support/fixtures';
import { cli } from '../../support/cli';
import { startServer, type Reply } from '../vlm/fakeServer';

const SENTINEL = 'sk-SENTINEL-7f3a9c1e5b2d4086aa11';
const tmp: string[] = [];
after(() => Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true }))));

async function filesWith(dir: string, needle: string): Promise<string[]> {
  const hits: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name);
    const bytes = await fs.readFile(p);
    if (bytes.includes(needle) || bytes.includes(Buffer.from(needle, 'utf16le'))) hits.push(p);
  }
  return hits;
}

test('a sentinel API key is never in sidecars, reports, exports, caches, journals, printed output or error messages', { timeout: 180_000 }, async () => {
  const root = await tempDir('sentinel-');
  const out = await tempDir('sentinel-out-');
  tmp.push(root, out);
  const colours = ['red', 'blue', 'green'];
  for (const [i, c] of colours.entries()) await fs.writeFile(path.join(root, `${c}.png`), await solidColorPng(c, 40 + i));
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: colours.map((c) => ({ name: c, description: `a ${c} image` })) }));
  const card = (name: string) => JSON.stringify({ category_scores: Object.fromEntries(colours.map((c) => [c, c === name ? 5 : 1])), predicted_categories: [{ name, score: 5, confidence: 'high', visual_evidence: `A ${name} square.` }], fits_any: true, would_route_to: name, decision_basis: `All ${name}.` });
  let n = 0;
  // A server that echoes the key back in its error bodies and headers, then answers.
  const server = await startServer((req): Reply => {
    n++;
    if (n === 1) return { status: 503, headers: { 'x-echo': String(req.headers.authorization) }, body: { error: { message: `overloaded; your key ${req.headers.authorization}` } } };
    return { content: card(colours[n % 3]) };
  }, { maxRequests: 40 });
  const printed: string[] = [];
  const run = async (args: string[]) => {
    const r = await cli(args, { IMAGE_TRIAGE_VLM_API_KEY: SENTINEL });
    printed.push(r.out, r.err);
    return r;
  };
  try {
    const vlm = ['--classifier', 'vlm', '--endpoint', server.baseUrl, '--vlm-model', 'test-vlm'];
    const c = await run(['classify', root, ...vlm, '--json']);
    assert.ok(c.code === 0 || c.code === 2, c.err);
    assert.ok(server.requests.every((r) => r.headers.authorization === `Bearer ${SENTINEL}`), 'the key was sent (in the header)');
    assert.equal((await run(['review', path.join(root, 'red.png'), '--accept', '--note', 'ok'])).code, 0);
    assert.equal((await run(['audit', 'sample', root, '--size', '3', '--seed', '1'])).code, 0);
    assert.equal((await run(['audit', 'mark', path.join(root, 'blue.png'), '--verdict', 'accurate', '--category-right'])).code, 0);
    for (const f of ['md', 'html', 'json']) assert.equal((await run(['report', root, '--format', f, '--out', path.join(out, `report.${f}`)])).code, 0);
    for (const f of ['csv', 'jsonl', 'labelstudio', 'fiftyone', 'hf']) {
      const e = await run(['export', root, '--format', f, '--out', path.join(out, `ds-${f}`), '--labels', 'predicted', '--files', 'copy']);
      assert.equal(e.code, 0, `${f}: ${e.err}`);
    }
    await run(['show', path.join(root, 'green.png'), '--json']);
    // A key the server refuses: the message says what to do, without the key.
    const refusing = await startServer(() => ({ status: 401, body: { error: { message: `Incorrect API key provided: ${SENTINEL}` } } }), { maxRequests: 10 });
    try {
      await fs.writeFile(path.join(root, 'yellow.png'), await solidColorPng('yellow', 50));
      // The CLI stops on a refused key (an error the bin prints): its message is searched too.
      const bad = await run(['classify', root, '--classifier', 'vlm', '--endpoint', refusing.baseUrl, '--vlm-model', 'test-vlm']).catch((e: Error) => {
        printed.push(e.message, String(e.stack));
        return { code: -1, out: '', err: e.message };
      });
      assert.notEqual(bad.code, 0);
      assert.match(bad.out + bad.err, /rejected the API key/);
    } finally {
      await refusing.close();
    }
  } finally {
    await server.close();
  }
  assert.deepEqual([...(await filesWith(root, SENTINEL)), ...(await filesWith(out, SENTINEL))], [], 'no file holds the key');
  const leaked = printed.filter((p) => p.includes(SENTINEL));
  assert.deepEqual(leaked, [], 'nothing printed holds the key');
  assert.ok(printed.join('').includes('red.png'), 'the output searched is the real output');
});
