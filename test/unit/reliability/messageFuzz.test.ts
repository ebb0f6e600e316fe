// Property tests (fast-check) of the webview message validator: 10,000 generated well-formed messages
// are accepted and copied exactly; 10,000 mutated ones (an unknown field, a retyped or missing field,
// a path-traversal id, a bad requestId) are refused without throwing; through the host's Endpoint over
// a real folder, no refused message changes a byte on disk (never half-applied) and each is logged.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseWebviewMessage, WEBVIEW_MESSAGE_TYPES, type KnownNames } from '../../../src/shared/validate';
import { isRequestType, type HostMessage } from '../../../src/shared/protocol';
import { Endpoint } from '../../../src/extension/panel/endpoint';
import { errorCodeOf, panelRequests } from '../../../src/extension/panel/panelRequests';
import { ReviewSession } from '../../../src/extension/panel/reviewSession';
import { AuditSession } from '../../../src/extension/panel/auditSession';
import { writeSidecar } from '../../../src/core/sidecarStore';
import { indexFolder } from '../../../src/core/folderIndex';
import { COLOURS, noModelExplore, prediction, sidecarWith } from '../extension/fixtures';
import { TRAVERSAL_IDS } from '../../support/hostile';

const RUNS = 10_000;
const IDS = ['img0.png', 'img1.png', 'sub/img2.png', 'img3.png'];
const KNOWN: KnownNames = { image: (id) => IDS.includes(id), category: (n) => COLOURS.includes(n) };

const id = fc.constantFrom(...IDS);
const reqId = fc.nat({ max: 2 ** 31 });
const note = fc.string({ maxLength: 50 });
const target = fc.record({ id, rev: fc.string({ maxLength: 20 }) });
const decision = fc.oneof(
  fc.constantFrom({ action: 'accept' }, { action: 'reject' }),
  fc.record({ action: fc.constant('label'), labels: fc.array(fc.constantFrom(...COLOURS), { minLength: 1, maxLength: 3 }) }),
  fc.record({ action: fc.constant('toggle'), label: fc.constantFrom(...COLOURS), on: fc.boolean() }),
);
const rate = fc.double({ min: 0.001, max: 0.999, noNaN: true });

/** One well-formed message of every type the webview may send. */
const valid: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.constantFrom(...['ready', 'startAudit', 'exportReport', 'exportDataset'].map((type) => ({ type }))),
  fc.record({ type: fc.constant('requestThumbs'), ids: fc.array(id, { maxLength: 5 }) }),
  fc.record({ type: fc.constant('openSidecar'), id }),
  fc.record({ type: fc.constant('decide'), requestId: reqId, decision, targets: fc.array(target, { minLength: 1, maxLength: 4 }) }),
  fc.record({ type: fc.constantFrom('undo', 'redo'), requestId: reqId, changeId: fc.nat() }),
  fc.record({ type: fc.constant('requestDetail'), requestId: reqId, id }),
  fc.record(
    { type: fc.constant('auditVerdict'), requestId: reqId, id, classifier: fc.constantFrom('zero-shot', 'vlm'), verdict: fc.constantFrom('accurate', 'partly', 'hallucinated'), categoryCorrect: fc.constant(false), correctCategory: fc.constantFrom(...COLOURS), note },
    { requiredKeys: ['type', 'requestId', 'id', 'classifier', 'verdict'] },
  ),
  fc.record({ type: fc.constantFrom('auditUndo', 'requestDashboard', 'requestLabelIssues', 'requestClusters'), requestId: reqId }),
  fc.record({ type: fc.constant('search'), requestId: reqId, query: fc.oneof(fc.record({ like: id }), fc.record({ text: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !!s.trim()) })), top: fc.integer({ min: 1, max: 500 }) }),
  fc.record({ type: fc.constant('previewDescription'), requestId: reqId, name: fc.constantFrom(...COLOURS), description: fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !!s.trim() && !s.includes('\0')) }),
  fc.record({ type: fc.constantFrom('applyRescore', 'discardRescore'), requestId: reqId, previewId: fc.nat() }),
  fc.record({ type: fc.constant('addCategory'), requestId: reqId, name: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !!s.trim()), description: fc.string({ minLength: 1, maxLength: 80 }).filter((s) => !!s.trim()) }),
  fc.record({ type: fc.constantFrom('trustState', 'certifyDraw', 'autoAccept'), requestId: reqId, maxError: rate }),
  fc.record({ type: fc.constant('autoAcceptUndo'), requestId: reqId, runId: fc.stringMatching(/^aa-[0-9a-z-]{6,20}$/) }),
  fc.record({ type: fc.constant('adapt'), requestId: reqId, apply: fc.boolean() }),
  fc.record({ type: fc.constant('runProbe'), requestId: reqId, size: fc.integer({ min: 1, max: 1000 }) }),
);

/** A value of another JSON type than `v` (so a retyped field is always wrong). */
const otherType = (v: unknown) =>
  fc.constantFrom<unknown>(null, 7.5, -1, 'x', true, [], {}, { __proto__: { polluted: 1 } }, [['deep']]).filter((x) => typeof x !== typeof v || Array.isArray(x) !== Array.isArray(v) || (x === null) !== (v === null));

type Mutation = { what: string; msg: unknown };
/** Mutations that each make a well-formed message invalid. */
function mutate(m: Record<string, unknown>): fc.Arbitrary<Mutation> {
  const keys = Object.keys(m).filter((k) => k !== 'type');
  const ms: fc.Arbitrary<Mutation>[] = [
    fc.constantFrom('extra', '__proto__x', 'constructor', 'toString', 'isTrusted').map((k) => ({ what: `unknown field ${k}`, msg: { ...m, [k]: 1 } })),
    fc.string({ maxLength: 12 }).filter((t) => !(WEBVIEW_MESSAGE_TYPES as string[]).includes(t)).map((t) => ({ what: 'unknown type', msg: { ...m, type: t } })),
  ];
  if (isRequestType(m.type as string)) ms.push(fc.constantFrom(-1, 1.5, '3', null, 2 ** 60).map((r) => ({ what: 'bad requestId', msg: { ...m, requestId: r } })));
  // Every field is required in these messages except an audit verdict's optional ones (a zero-shot
  // prediction may be judged on its category alone, without an evidence verdict).
  const optional = ['categoryCorrect', 'correctCategory', 'note', ...(m.classifier === 'zero-shot' && (m.categoryCorrect !== undefined || m.correctCategory !== undefined) ? ['verdict'] : [])];
  const required = keys.filter((k) => !optional.includes(k));
  if (required.length) ms.push(fc.constantFrom(...required).map((k) => ({ what: `missing ${k}`, msg: Object.fromEntries(Object.entries(m).filter(([x]) => x !== k)) })));
  if (keys.length) ms.push(fc.constantFrom(...keys).chain((k) => otherType(m[k]).map((v) => ({ what: `retyped ${k}`, msg: { ...m, [k]: v } }))));
  const idOf = (bad: string): Mutation | null => {
    if (typeof m.id === 'string') return { what: `id ${bad}`, msg: { ...m, id: bad } };
    if (Array.isArray(m.targets)) return { what: `target ${bad}`, msg: { ...m, targets: [...(m.targets as object[]), { id: bad, rev: '' }] } };
    if (Array.isArray(m.ids)) return { what: `ids ${bad}`, msg: { ...m, ids: [...(m.ids as string[]), bad] } };
    return null;
  };
  if (idOf('x')) ms.push(fc.constantFrom(...TRAVERSAL_IDS).map((bad) => idOf(bad)!));
  return fc.oneof(...ms);
}

test('the generator makes every message type the validator knows (a new type needs a generator here)', () => {
  const types = new Set(fc.sample(valid, { numRuns: 3000, seed: 1 }).map((m) => m.type));
  assert.deepEqual([...types].sort(), [...WEBVIEW_MESSAGE_TYPES].sort());
});

test(`${RUNS} generated well-formed messages: accepted and copied field for field`, () => {
  fc.assert(
    fc.property(valid, (gen) => {
      // As postMessage delivers it: plain JSON objects.
      const m = JSON.parse(JSON.stringify(gen)) as Record<string, unknown>;
      const r = parseWebviewMessage(structuredClone(m), KNOWN);
      assert.ok(r.ok, r.ok ? '' : `${r.problem}: ${JSON.stringify(m)}`);
      assert.deepEqual(r.message, m);
    }),
    { numRuns: RUNS, seed: 16 },
  );
});

test(`${RUNS} mutated messages: every one refused with a reason, none throws`, () => {
  fc.assert(
    fc.property(valid.chain(mutate), ({ what, msg }) => {
      const r = parseWebviewMessage(msg, KNOWN);
      assert.equal(r.ok, false, `${what} accepted: ${JSON.stringify(msg)}`);
      if (!r.ok) assert.ok(r.problem.length > 0);
    }),
    { numRuns: RUNS, seed: 61 },
  );
});

test(`${RUNS} arbitrary JSON values (and prototype-polluting keys) as messages: refused or parsed, never a throw`, () => {
  const types = fc.constantFrom(...WEBVIEW_MESSAGE_TYPES);
  const anyMsg = fc.oneof(
    fc.jsonValue(),
    fc.dictionary(fc.constantFrom('type', 'requestId', 'id', 'ids', 'targets', 'decision', '__proto__', 'constructor'), fc.jsonValue(), { maxKeys: 5 }),
    fc.tuple(types, fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 4 })).map(([type, rest]) => ({ ...rest, type })),
  );
  let accepted = 0;
  fc.assert(
    fc.property(anyMsg, (msg) => {
      const before = JSON.stringify(msg);
      const r = parseWebviewMessage(msg, KNOWN);
      assert.equal(JSON.stringify(msg), before, 'the validator never changes its input');
      if (r.ok) {
        accepted++;
        // Anything accepted is a copy naming only known images.
        const m = r.message as Record<string, unknown>;
        for (const i of [m.id, ...((m.ids as string[]) ?? []), ...((m.targets as { id: string }[]) ?? []).map((t) => t.id)]) if (i !== undefined) assert.ok(IDS.includes(i as string));
      }
    }),
    { numRuns: RUNS, seed: 7 },
  );
  assert.ok(accepted < RUNS);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

const tmp: string[] = [];
after(() => Promise.all(tmp.map((d) => fs.rm(d, { recursive: true, force: true }))));

test(`${RUNS} refused messages through the host's Endpoint over a real folder: each answered with an error and logged, no byte on disk changes`, async () => {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'it-msgfuzz-'));
  tmp.push(root);
  await fs.mkdir(path.join(root, 'sub'));
  for (const [i, rel] of IDS.entries()) {
    await fs.writeFile(path.join(root, rel), `image ${i}`);
    await writeSidecar(path.join(root, rel), sidecarWith(path.basename(rel), prediction(COLOURS[i % 3], 0.8)));
  }
  const snapshot = async () => Promise.all(IDS.map((rel) => fs.readFile(path.join(root, `${rel}.labels.json`), 'utf8')));
  const before = await snapshot();
  const session = new ReviewSession(root, COLOURS.map((name) => ({ name, description: name })), 'multi_label', 'tester', await indexFolder(root));
  const audit = new AuditSession(session);
  const posted: HostMessage[] = [];
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (s: string) => warnings.push(s), error: (s: string) => warnings.push(s) };
  const requests = panelRequests({
    session, audit, folderName: 'f', storageDir: path.join(root, '.storage'), log, post: (m) => posted.push(m), detailSrc: async () => '', auditChanged: () => undefined,
    categoriesFile: async () => path.join(root, 'categories.json'), display: (f) => path.basename(f), rescore: () => false,
    ...noModelExplore(session, path.join(root, '.storage'), (m) => posted.push(m)),
  });
  const commandsRun: string[] = [];
  const command = (name: string) => () => commandsRun.push(name);
  const endpoint = new Endpoint({
    known: () => ({ image: (i) => session.unknownIds([i]).length === 0, category: (n) => COLOURS.includes(n) }),
    requests,
    commands: { ready: command('ready'), requestThumbs: command('requestThumbs'), openSidecar: command('openSidecar'), startAudit: command('startAudit'), exportReport: command('exportReport'), exportDataset: command('exportDataset') },
    post: (m) => posted.push(m),
    log,
    where: () => root,
    codeOf: errorCodeOf,
  });
  // Only mutations of messages that would write (decide, undo, redo, verdicts, accept): the dangerous kind.
  const writers = valid.filter((m) => ['decide', 'undo', 'redo', 'auditVerdict', 'autoAccept', 'autoAcceptUndo', 'addCategory', 'applyRescore', 'openSidecar', 'requestThumbs'].includes(m.type as string));
  const samples = fc.sample(writers.chain(mutate), { numRuns: RUNS, seed: 99 });
  for (const { msg } of samples) {
    const n = posted.length;
    const w = warnings.length;
    await endpoint.receive(msg);
    const answers = posted.slice(n).filter((p) => p.type === 'response');
    for (const a of answers) assert.equal((a as { ok: boolean }).ok, false, `answered ok: ${JSON.stringify(msg).slice(0, 200)}`);
    assert.ok(warnings.length > w, `not logged: ${JSON.stringify(msg).slice(0, 200)}`);
  }
  assert.deepEqual(commandsRun, [], 'no refused command reached its handler');
  assert.deepEqual(await snapshot(), before, 'no sidecar changed');
  assert.deepEqual((await fs.readdir(root)).sort(), ['img0.png', 'img0.png.labels.json', 'img1.png', 'img1.png.labels.json', 'img3.png', 'img3.png.labels.json', 'sub'].sort());
});
