// ARCHITECTURE.md's rule, checked: imports point down (extension, cli, api, bench → classifiers →
// core); src/shared (the panel protocol) sits on core; nothing under src/core imports vscode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.resolve(__dirname, '../../../src');
/** The top-level folders each folder may import from (besides itself). */
const ALLOWED: Record<string, string[]> = {
  core: [],
  shared: ['core'],
  devmodels: ['core'],
  classifiers: ['core', 'devmodels'],
  extension: ['classifiers', 'core', 'shared', 'devmodels'],
  cli: ['classifiers', 'core', 'devmodels'],
  api: ['classifiers', 'core'],
  bench: ['classifiers', 'core', 'devmodels'],
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

test('every import under src/ points down the layers, and core never imports vscode', () => {
  const bad: string[] = [];
  for (const file of files(SRC)) {
    const from = path.relative(SRC, file).split(path.sep)[0];
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:from|import\(|require\()\s*'([^']+)'/g)) {
      const spec = m[1];
      if (spec === 'vscode' && from !== 'extension') bad.push(`${path.relative(SRC, file)} imports vscode`);
      if (!spec.startsWith('.')) continue;
      const rel = path.relative(SRC, path.resolve(path.dirname(file), spec));
      if (rel.startsWith('..')) continue;
      const to = rel.split(path.sep)[0];
      if (to !== from && ALLOWED[from] && !ALLOWED[from].includes(to)) bad.push(`${path.relative(SRC, file)} → ${spec}`);
    }
  }
  assert.deepEqual(bad, [], `imports against the layers (ARCHITECTURE.md):\n${bad.join('\n')}`);
});
