// The panel's certification flow on the host: "Draw / extend audit sample" makes the certification
// sample the audit view's sample, and each unit is judged right / wrong with no evidence verdict (a
// zero-shot prediction claims none) through the validated auditVerdict request, until it certifies.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { HostMessage, ResponseMessage } from '../../../src/shared/protocol';
import { Endpoint } from '../../../src/extension/panel/endpoint';
import { errorCodeOf, panelRequests } from '../../../src/extension/panel/panelRequests';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { AuditSession } from '../../../src/extension/panel/auditSession';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { indexFolder } from '../../../src/core/folderIndex';
import { COLOURS, noModelExplore, prediction, sidecarWith } from './fixtures';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const roots: string[] = [];
after(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

async function panelHost(n: number) {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-certify-audit-'));
  roots.push(root);
  for (let i = 0; i < n; i++) {
    const f = path.join(root, `img${i}.png`);
    await fs.writeFile(f, `not really a png ${i}`);
    await writeSidecar(f, sidecarWith(`img${i}.png`, prediction(COLOURS[i % 3], 0.8)));
  }
  const session = new ReviewSession(root, COLOURS.map((name) => ({ name, description: name })), 'single_label', 'tester', await indexFolder(root));
  const audit = new AuditSession(session);
  const posted: HostMessage[] = [];
  const post = (m: HostMessage) => posted.push(structuredClone(m));
  // As the panel's: while > 0, its file watcher takes sidecar changes for the panel's own.
  const own = { writing: 0, calls: 0 };
  const requests = panelRequests({
    ...noModelExplore(session, path.join(root, '.storage'), (m) => posted.push(m)),
    session,
    audit,
    folderName: 'shop',
    storageDir: path.join(root, '.storage'),
    log: quiet,
    post,
    detailSrc: async () => null,
    auditChanged: () => post({ type: 'audit', audit: audit.state() }),
    categoriesFile: async () => path.join(root, 'categories.json'),
    display: (f) => path.basename(f),
    rescore: () => false,
    ownWrites: async (fn) => {
      own.writing++;
      own.calls++;
      try {
        return await fn();
      } finally {
        own.writing--;
      }
    },
  });
  const endpoint = new Endpoint({
    known: () => ({ image: (id) => session.unknownIds([id]).length === 0, category: (c) => COLOURS.includes(c) }),
    requests,
    commands: { ready: () => undefined, requestThumbs: () => undefined, openSidecar: () => undefined, startAudit: () => undefined, exportReport: () => undefined, exportDataset: () => undefined },
    post,
    log: quiet,
    where: () => root,
    codeOf: errorCodeOf,
  });
  let id = 0;
  /** Sends a raw webview message and returns the host's answer to it. */
  const send = async (m: Record<string, unknown>): Promise<ResponseMessage> => {
    const requestId = ++id;
    await endpoint.receive({ ...m, requestId });
    return posted.filter((x): x is ResponseMessage => x.type === 'response').find((r) => r.requestId === requestId)!;
  };
  /**
   * What the panel's watcher would report as changed on disk if it fired now for every sidecar:
   * applyExternal re-reads each into the session and reports those that differ from what it holds.
   */
  const externalNow = async (): Promise<string[]> => {
    const ids: string[] = [];
    for (const f of (await fs.readdir(root)).filter((f) => f.endsWith('.labels.json'))) {
      const s = await session.refreshFromDisk(path.join(root, f));
      if (s && own.writing === 0) ids.push(s.id);
    }
    return ids.sort();
  };
  return { root, session, audit, posted, send, own, externalNow };
}

test('the dashboard draw becomes the audit sample; category-only verdicts certify it', async () => {
  const h = await panelHost(4);
  assert.equal(h.audit.active, false);
  const drawn = await h.send({ type: 'certifyDraw', maxError: 0.6 });
  assert.ok(drawn.ok);
  const cert = drawn.ok ? (drawn.result as { certify: { sample_id: string; pending: string[]; certified: boolean } }).certify : null;
  assert.ok(cert && cert.pending.length === 4 && !cert.certified, 'four units drawn, none judged');
  // The audit view now holds exactly the certification sample, and the webview was told.
  const state = h.audit.state()!;
  assert.equal(state.sampleId, cert!.sample_id);
  assert.deepEqual(state.items.map((i) => i.id).sort(), [...cert!.pending].sort());
  const told = h.posted.filter((m) => m.type === 'audit').at(-1);
  assert.equal(told?.type === 'audit' && told.audit?.sampleId, cert!.sample_id);

  // Judged as the panel's keys send it: c → { categoryCorrect: true }, w + a category → { correctCategory }.
  const [first, second, ...rest] = state.items;
  assert.ok((await h.send({ type: 'auditVerdict', id: first.id, classifier: 'zero-shot', categoryCorrect: true })).ok);
  const e = (await readSidecar(path.join(h.root, first.id)))!.audit.at(-1)!;
  assert.deepEqual([e.status, e.verdict, e.category_correct, e.sample_id, e.by], ['done', undefined, true, cert!.sample_id, 'tester']);
  assert.ok(e.certify, 'the certification unit keeps its threshold and score');
  const predicted = (await readSidecar(path.join(h.root, second.id)))!.predictions['zero-shot']!.predicted_categories[0].name;
  const wrong = await h.send({ type: 'auditVerdict', id: second.id, classifier: 'zero-shot', correctCategory: COLOURS.find((c) => c !== predicted)! });
  assert.ok(wrong.ok, JSON.stringify(wrong));
  const w = (await readSidecar(path.join(h.root, second.id)))!.audit.at(-1)!;
  assert.deepEqual([w.status, w.verdict, w.category_correct], ['done', undefined, false]);
  // Undo puts the wrong one back; judged right instead.
  assert.ok((await h.send({ type: 'auditUndo' })).ok);
  assert.equal((await readSidecar(path.join(h.root, second.id)))!.audit.at(-1)!.status, 'awaiting');
  for (const u of [second, ...rest]) assert.ok((await h.send({ type: 'auditVerdict', id: u.id, classifier: 'zero-shot', categoryCorrect: true })).ok);

  const st = await h.send({ type: 'trustState', maxError: 0.6 });
  const c = st.ok ? (st.result as { certify: { sample_size: number; errors: number; pending: string[]; certified: boolean } }).certify : null;
  assert.deepEqual([c?.sample_size, c?.errors, c?.pending.length, c?.certified], [4, 0, 0, true]);
  assert.equal(h.audit.state()!.done, 4);
});

test('the host refuses a verdict without an evidence verdict on a VLM unit, and one with no judgment at all', async () => {
  const h = await panelHost(3);
  await h.send({ type: 'certifyDraw', maxError: 0.6 });
  const unit = h.audit.state()!.items[0];
  const before = await fs.readFile(path.join(h.root, `${unit.id}.labels.json`), 'utf8');
  for (const m of [
    { type: 'auditVerdict', id: unit.id, classifier: 'vlm', categoryCorrect: true },
    { type: 'auditVerdict', id: unit.id, classifier: 'zero-shot' },
    { type: 'auditVerdict', id: unit.id, classifier: 'zero-shot', note: 'only a note' },
  ]) {
    const r = await h.send(m);
    assert.equal(r.ok, false, JSON.stringify(m));
    assert.equal(!r.ok && r.error.code, 'invalid');
  }
  assert.equal(await fs.readFile(path.join(h.root, `${unit.id}.labels.json`), 'utf8'), before, 'nothing written');
});

test("the panel's own auto-accept and its undo are not reported as changed on disk; an external edit is", async () => {
  const h = await panelHost(6);
  const drawn = await h.send({ type: 'certifyDraw', maxError: 0.6 });
  for (const u of h.audit.state()!.items) assert.ok((await h.send({ type: 'auditVerdict', id: u.id, classifier: 'zero-shot', categoryCorrect: true })).ok);
  assert.ok(drawn.ok);
  assert.deepEqual(await h.externalNow(), [], 'the draw and the verdicts are the panel\'s own');

  h.posted.length = 0;
  const acc = await h.send({ type: 'autoAccept', maxError: 0.6 });
  const r = acc.ok ? (acc.result as { runId: string | null; accepted: number }) : null;
  assert.ok(r?.runId && r.accepted > 0, JSON.stringify(acc));
  assert.deepEqual(await h.externalNow(), [], 'no "changed on disk" after the panel\'s own auto-accept');
  assert.equal(h.own.calls, 1, 'written inside ownWrites (the watcher, firing meanwhile, takes them as the panel\'s)');
  // The grid learns the new statuses from the host as its own (external: false).
  const up = h.posted.filter((m) => m.type === 'upsert');
  assert.ok(up.length && up.every((m) => m.type === 'upsert' && !m.external));
  const accepted = up.flatMap((m) => (m.type === 'upsert' ? m.images : [])).filter((i) => i.status === 'auto-accepted');
  assert.equal(accepted.length, r!.accepted);
  assert.equal(h.session.all().filter((i) => i.sidecar?.review.status === 'auto-accepted').length, r!.accepted);

  const undone = await h.send({ type: 'autoAcceptUndo', runId: r!.runId });
  assert.ok(undone.ok && (undone.result as { restored: number }).restored === r!.accepted, JSON.stringify(undone));
  assert.deepEqual(await h.externalNow(), [], 'no "changed on disk" after the panel\'s own undo');
  assert.equal(h.own.calls, 2);
  assert.equal(h.session.all().filter((i) => i.sidecar?.review.status === 'auto-accepted').length, 0);

  // Someone else (the CLI, git) edits a sidecar: that one is still reported.
  const file = path.join(h.root, 'img5.png');
  const sc = (await readSidecar(file))!;
  await writeSidecar(file, { ...sc, review: { ...sc.review, note: 'edited outside the panel' } });
  assert.deepEqual(await h.externalNow(), ['img5.png']);
});
