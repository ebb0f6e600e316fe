// What package.json contributes is reachable and handled: every command has a title under the
// "Image Triage" category, is registered by the extension's activate(), shows in the palette (no
// `when: false`), and each registered command is contributed; settings have distinct Settings UI
// orders, so the Settings page lists them in the intended sequence.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const contributed: { command: string; title?: string; category?: string }[] = pkg.contributes.commands;

test('every contributed command has a title under "Image Triage" and is registered in activate(); every registered one is contributed', () => {
  const src = readFileSync(path.join(root, 'src/extension/main.ts'), 'utf8');
  const registered = new Set([...src.matchAll(/registerCommand\(\s*'([\w.]+)'/g)].map((m) => m[1]));
  assert.ok(registered.size >= 8, `found ${registered.size} registrations`);
  for (const c of contributed) {
    assert.equal(c.category, 'Image Triage', c.command);
    assert.ok(c.title && c.title.trim().length > 2, `${c.command} has a title`);
    assert.ok(registered.has(c.command), `${c.command} is contributed but never registered`);
  }
  const ids = new Set(contributed.map((c) => c.command));
  for (const r of registered) assert.ok(ids.has(r), `${r} is registered but not contributed (no title, not in the palette)`);
});

test('no contributed command is hidden from the palette, and menu entries name contributed commands', () => {
  const ids = new Set(contributed.map((c) => c.command));
  for (const [menu, entries] of Object.entries(pkg.contributes.menus ?? {}) as [string, { command: string; when?: string }[]][]) {
    for (const e of entries) {
      assert.ok(ids.has(e.command), `${menu}: ${e.command} is not contributed`);
      if (menu === 'commandPalette') assert.notEqual(e.when, 'false', `${e.command} is hidden from the palette`);
    }
  }
});

test('every setting has its own Settings UI order', () => {
  const props = pkg.contributes.configuration.properties as Record<string, { order?: number }>;
  const orders = Object.entries(props).map(([k, v]) => [k, v.order] as const);
  for (const [k, o] of orders) assert.ok(Number.isInteger(o), `${k} has an order`);
  const seen = new Map<number, string>();
  for (const [k, o] of orders) {
    assert.ok(!seen.has(o!), `${k} and ${seen.get(o!)} share order ${o}`);
    seen.set(o!, k);
  }
});
