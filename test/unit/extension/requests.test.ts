// The panel protocol's request/response half, host and webview together: every request type the
// protocol declares is answered exactly once (results, refusals, thrown errors), and an invalid
// request gets a typed error while the panel's keys keep working.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { COMMANDS, NOTIFICATIONS, REQUESTS, type HostMessage, type ResponseMessage, type RequestType, type WebviewMessage, type PanelInit } from '../../../src/shared/protocol';
import { WEBVIEW_MESSAGE_TYPES } from '../../../src/shared/validate';
import { Endpoint, type RequestHandlers } from '../../../src/extension/panel/endpoint';
import { errorCodeOf, panelRequests } from '../../../src/extension/panel/panelRequests';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { AuditSession } from '../../../src/extension/panel/auditSession';
import { readSidecar, writeSidecar } from '../../../src/core/sidecarStore';
import { indexFolder } from '../../../src/core/folderIndex';
import { COLOURS, noModelExplore, prediction, sidecarWith } from './fixtures';

(globalThis as unknown as { acquireVsCodeApi: unknown }).acquireVsCodeApi = () => ({ postMessage: () => undefined, getState: () => undefined, setState: () => undefined });

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function host() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'it-requests-'));
  for (let i = 0; i < 4; i++) {
    const f = path.join(root, `img${i}.png`);
    await fs.writeFile(f, `not really a png ${i}`);
    await writeSidecar(f, sidecarWith(`img${i}.png`, prediction(COLOURS[i % 3], 0.8)));
  }
  await fs.writeFile(path.join(root, 'bare.png'), 'no sidecar yet');
  await fs.writeFile(path.join(root, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((name) => ({ name, description: name })) }));
  const session = new ReviewSession(root, COLOURS.map((name) => ({ name, description: name })), 'single_label', 'tester', await indexFolder(root));
  const audit = new AuditSession(session);
  const posted: HostMessage[] = [];
  const post = (m: HostMessage) => posted.push(structuredClone(m));
  const requests = panelRequests({
    ...noModelExplore(session, path.join(root, '.storage'), post),
    session,
    audit,
    folderName: 'photos',
    storageDir: path.join(root, '.storage'),
    log: quiet,
    post,
    detailSrc: async (img) => `https://file+.vscode-resource/${img.id}`,
    auditChanged: () => post({ type: 'audit', audit: audit.state() }),
    categoriesFile: async () => path.join(root, 'categories.json'),
    display: (f) => path.basename(f),
    rescore: () => false,
  });
  const endpoint = (handlers: RequestHandlers = requests) =>
    new Endpoint({
      known: () => ({ image: (id) => session.unknownIds([id]).length === 0, category: (n) => COLOURS.includes(n) }),
      requests: handlers,
      commands: { ready: () => undefined, requestThumbs: () => undefined, openSidecar: () => undefined, startAudit: () => undefined, exportReport: () => undefined, exportDataset: () => undefined },
      post,
      log: quiet,
      where: () => root,
      codeOf: errorCodeOf,
    });
  const responses = () => posted.filter((m): m is ResponseMessage => m.type === 'response');
  return { root, session, audit, posted, responses, endpoint, requests };
}

test('each message is declared once, under its own name, with a parser for every webview message', () => {
  for (const table of [COMMANDS, REQUESTS, NOTIFICATIONS]) for (const [k, d] of Object.entries(table)) assert.equal(d.type, k);
  const names = [...Object.keys(COMMANDS), ...Object.keys(REQUESTS)];
  assert.equal(new Set(names).size, names.length, 'no name is both a command and a request');
  assert.deepEqual([...WEBVIEW_MESSAGE_TYPES].sort(), names.sort());
});

test('every request type is answered exactly once: well-formed, malformed, refused and failing', async () => {
  const h = await host();
  await h.audit.draw(2, 7);
  const unit = h.audit.state()!.items[0];
  // One well-formed request per declared type (the mapped type makes a new request need a sample).
  const good: { [K in RequestType]: Record<string, unknown> } = {
    decide: { decision: { action: 'reject' }, targets: [{ id: 'img0.png', rev: h.session.summary('img0.png')!.rev }] },
    undo: { changeId: 1 },
    redo: { changeId: 1 },
    requestDetail: { id: 'img1.png' },
    auditVerdict: { id: unit.id, classifier: unit.classifier, verdict: 'accurate' },
    auditUndo: {},
    requestDashboard: {},
    requestLabelIssues: {},
    trustState: { maxError: 0.05 },
    certifyDraw: { maxError: 0.05 },
    autoAccept: { maxError: 0.05 },
    autoAcceptUndo: { runId: 'aa-20260101000000-abcdef' },
    adapt: { apply: false },
    runProbe: { size: 5 },
    requestClusters: {},
    addCategory: { name: 'purple', description: 'an image that is purple' },
    search: { query: { text: 'red' }, top: 10 },
    previewDescription: { name: COLOURS[0], description: 'something red' },
    applyRescore: { previewId: 1 },
    discardRescore: { previewId: 1 },
  };
  const types = Object.keys(REQUESTS) as RequestType[];
  assert.deepEqual(Object.keys(good).sort(), [...types].sort());
  let id = 100;
  const sent: number[] = [];
  const send = async (m: Record<string, unknown>) => {
    const requestId = id++;
    sent.push(requestId);
    await h.endpoint().receive({ ...m, requestId });
    return requestId;
  };
  const answers = new Map<number, ResponseMessage>();
  const collect = () => {
    for (const r of h.responses()) {
      assert.ok(!answers.has(r.requestId) || answers.get(r.requestId) === r, `request ${r.requestId} answered twice`);
      answers.set(r.requestId, r);
    }
  };
  for (const type of types) {
    const ok = await send({ type, ...good[type] });
    collect();
    assert.equal(answers.get(ok)?.ok, true, `${type}: ${JSON.stringify(answers.get(ok))}`);
    // Malformed: an unexpected field. Refused before any handler runs, answered with 'invalid'.
    const bad = await send({ type, ...good[type], evil: 1 });
    collect();
    const r = answers.get(bad)!;
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'invalid', type);
  }
  // A handler that throws something unexpected still answers, with 'failed'.
  const boom = Object.fromEntries(types.map((t) => [t, () => Promise.reject(new Error('disk on fire'))])) as unknown as RequestHandlers;
  for (const type of types) {
    const requestId = id++;
    sent.push(requestId);
    await h.endpoint(boom).receive({ type, requestId, ...good[type] });
  }
  collect();
  for (const n of sent) assert.ok(answers.has(n), `request ${n} was answered`);
  assert.equal(h.responses().length, sent.length, 'one answer per request, no more');
  for (const r of h.responses().slice(-types.length)) assert.deepEqual(!r.ok && r.error, { code: 'failed', message: 'disk on fire' });
});

test('refusals carry typed codes: unknown image, invalid decision, nothing to undo, conflict', async () => {
  const h = await host();
  const answer = async (m: Record<string, unknown>) => {
    await h.endpoint().receive(m);
    const r = h.responses().at(-1)!;
    assert.equal(r.requestId, m.requestId);
    return r.ok ? 'ok' : r.error.code;
  };
  assert.equal(await answer({ type: 'decide', requestId: 1, decision: { action: 'reject' }, targets: [{ id: '../etc/passwd', rev: 'none' }] }), 'unknownImage');
  assert.equal(await answer({ type: 'requestDetail', requestId: 2, id: 'nope.png' }), 'unknownImage');
  assert.equal(await answer({ type: 'decide', requestId: 3, decision: { action: 'label', labels: ['purple'] }, targets: [{ id: 'img0.png', rev: 'x' }] }), 'invalid');
  assert.equal(await answer({ type: 'decide', requestId: 4, decision: { action: 'accept' }, targets: [{ id: 'bare.png', rev: 'none' }] }), 'invalid');
  assert.equal(await answer({ type: 'undo', requestId: 5, changeId: 99 }), 'invalid');
  assert.equal(await answer({ type: 'auditUndo', requestId: 6 }), 'nothingToUndo');
  assert.equal(await answer({ type: 'auditVerdict', requestId: 7, id: 'img0.png', classifier: 'zero-shot', verdict: 'accurate' }), 'refused');
  // No id to answer: the refusal is only logged (the webview's timeout covers it).
  const before = h.posted.length;
  await h.endpoint().receive({ type: 'decide', decision: { action: 'reject' } });
  await h.endpoint().receive({ type: 'nope', requestId: 8 });
  assert.equal(h.posted.length, before);
});

test('an invalid decide gets a typed error in the panel, and the keys keep working', async () => {
  const h = await host();
  const { Store } = await import('../../../webview/store');
  const { Actions } = await import('../../../webview/actions');
  const { Rpc } = await import('../../../webview/rpc');
  const endpoint = h.endpoint();
  let inFlight: Promise<void> = Promise.resolve();
  // The webview's correlator, wired to the real host endpoint as VS Code would (JSON across).
  const rpc: InstanceType<typeof Rpc> = new Rpc((m: WebviewMessage) => {
    inFlight = endpoint.receive(JSON.parse(JSON.stringify(m)));
  });
  after(() => rpc.dispose());
  const settle = async () => {
    await inFlight;
    for (const m of h.posted.splice(0)) if (m.type === 'response') rpc.onResponse(m);
    await new Promise((r) => setImmediate(r));
  };
  const store = new Store();
  const init: PanelInit = {
    folderName: 'photos',
    categoriesSource: 'categories.json',
    mode: 'single_label',
    // The view knows a category and an image the host does not (a stale or tampered view).
    categories: [...COLOURS, 'purple'].map((name) => ({ name, description: name })),
    images: [...h.session.summaries(), { ...h.session.summary('img0.png')!, id: 'gone.png', name: 'gone.png' }],
    thumbnailSize: 160,
    run: { state: 'idle', done: 0, total: 0 },
  };
  store.init(init);
  const shown: string[] = [];
  const actions = new Actions(store, { show: (_l: string, text: string) => shown.push(text) } as never, () => undefined, rpc);
  const select = (id: string) => (store.selection = { focus: id, anchor: id, selected: new Set([id]) });

  select('img0.png');
  actions.assign(3); // "purple": not a category of the folder
  await settle();
  assert.match(shown.at(-1)!, /Could not label 1 image purple: unknown category "purple"/);
  assert.equal(actions.busy(), false, 'the refused request is no longer pending');
  select('gone.png');
  actions.reject();
  await settle();
  assert.match(shown.at(-1)!, /Could not reject 1 image: unknown image/);

  // The keys still work: a decision is written, and undo (which waits for pending requests) runs.
  select('img1.png');
  actions.reject();
  await settle();
  assert.equal((await readSidecar(path.join(h.root, 'img1.png')))!.review.status, 'rejected');
  actions.undo();
  await settle();
  assert.equal((await readSidecar(path.join(h.root, 'img1.png')))!.review.status, 'pending');
  assert.match(shown.at(-1)!, /Undid: reject 1 image/);
});

test('a request the host never answers times out with a visible, typed error', async () => {
  const { Rpc } = await import('../../../webview/rpc');
  const sent: WebviewMessage[] = [];
  const rpc = new Rpc((m) => sent.push(m));
  const t0 = Date.now();
  await assert.rejects(rpc.sendRequest('requestDashboard', {}, 50), (e: Error & { code?: string }) => e.code === 'timeout' && /did not answer within/.test(e.message));
  assert.ok(Date.now() - t0 >= 45);
  assert.equal(rpc.inFlight, 0);
  assert.equal(rpc.onResponse({ type: 'response', requestId: (sent[0] as { requestId: number }).requestId, ok: true, result: null }), false, 'a late answer is ignored');
});
