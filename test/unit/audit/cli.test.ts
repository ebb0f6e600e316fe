// The audit and report commands end to end through their command functions, on a temp folder of
// crafted sidecars (a few bytes stand in for each image: the audit never decodes images).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { auditCommand } from '../../../src/cli/commands/audit';
import { reportCommand } from '../../../src/cli/commands/report';
import { readSidecar } from '../../../src/core/sidecarStore';
import type { Confidence } from '../../../src/core/types';
import { capture, pred, sidecar, tempDir, writeImage } from './fixtures';

/** 12 VLM predictions in 3 strata: cat/high ×6, dog/medium ×4, none ×2; zero-shot on the first 3. */
async function folder(): Promise<string> {
  const dir = await tempDir('audit-cli-');
  for (let i = 0; i < 12; i++) {
    const [top, conf]: [string | null, Confidence] = i < 6 ? ['cat', 'high'] : i < 10 ? ['dog', 'medium'] : [null, 'low'];
    const preds = [pred({ top, confidence: conf })];
    if (i < 3) preds.push(pred({ classifier: 'zero-shot', top: 'dog', confidence: 'low' }));
    await writeImage(dir, `${i < 6 ? 'a' : 'b'}/img${String(i).padStart(2, '0')}.png`, sidecar(`img${i}.png`, { preds }));
  }
  await writeImage(dir, 'unclassified.png', null);
  return dir;
}

async function run(cmd: typeof auditCommand, args: string[]) {
  const c = capture();
  const code = await cmd(args, c.io);
  return { code, out: c.out(), err: c.err() };
}

test('audit sample prints the same stratified lines for the same seed and marks each image awaiting', async () => {
  const dir = await folder();
  const a = await run(auditCommand, ['sample', dir, '--size', '6', '--seed', '42', '--classifier', 'vlm']);
  assert.equal(a.code, 0, a.err);
  const lines = a.out.trim().split('\n');
  assert.equal(lines.length, 6);
  // Strata cat/high 6, dog/medium 4, none 2 (N = 12); n = 6 → quotas 3, 2, 1.
  const strata = lines.map((l) => Number(l.match(/img(\d+)/)![1])).map((i) => (i < 6 ? 'cat' : i < 10 ? 'dog' : 'none'));
  assert.deepEqual(['cat', 'dog', 'none'].map((s) => strata.filter((x) => x === s).length), [3, 2, 1]);
  for (const l of lines) assert.ok((await fs.stat(path.join(dir, l))).isFile(), `${l} is an image of the folder`);
  assert.match(a.err, /Sampled 6 of 12 predictions from 3 of 3 strata \(seed 42, sample s-[0-9a-f]{12}\); 6 marked awaiting audit\./);
  for (const l of lines) {
    const sc = (await readSidecar(path.join(dir, l)))!;
    assert.deepEqual(sc.audit.map((e) => [e.status, e.classifier, e.seed]), [['awaiting', 'vlm', 42]]);
  }
  const again = await run(auditCommand, ['sample', dir, '--size', '6', '--seed', '42', '--classifier', 'vlm']);
  assert.equal(again.out, a.out, 'same seed, same predictions → same output');
  assert.match(again.err, /0 marked awaiting audit, 6 already awaiting/);
  const sc = (await readSidecar(path.join(dir, lines[0])))!;
  assert.equal(sc.audit.length, 1, 'no duplicate awaiting entry');
  const other = await run(auditCommand, ['sample', dir, '--size', '6', '--seed', '43', '--classifier', 'vlm']);
  assert.notEqual(other.out, a.out);
});

test('audit sample over both classifiers tags lines with the classifier; --margin sizes the sample', async () => {
  const dir = await folder();
  const both = await run(auditCommand, ['sample', dir, '--size', '15']);
  assert.equal(both.code, 0, both.err);
  const lines = both.out.trim().split('\n');
  assert.equal(lines.length, 15, 'all 12 VLM and 3 zero-shot predictions');
  assert.equal(lines.filter((l) => l.endsWith('\tzero-shot')).length, 3);
  assert.ok(lines.every((l) => /^[ab]\/img\d\d\.png\t(vlm|zero-shot)$/.test(l)));
  // Margin 0.2: worst case 24.01 − 3.84 → 21; with N = 12: 21/(1 + 20/12) = 7.9 → 8 VLM units.
  const m = await run(auditCommand, ['sample', dir, '--margin', '0.2', '--classifier', 'vlm', '--seed', '3']);
  assert.equal(m.code, 0, m.err);
  assert.equal(m.out.trim().split('\n').length, 8);
});

test('audit sample and mark usage errors exit 1 with a clear message', async () => {
  const dir = await folder();
  const cases: [string[], RegExp][] = [
    [['sample', dir], /give --size N or --margin M/],
    [['sample', dir, '--size', '0'], /--size must be a positive integer/],
    [['sample', dir, '--size', '3', '--margin', '0.1'], /one of them/],
    [['sample', dir, '--size', '3', '--seed', 'abc'], /--seed must be an integer/],
    [['sample', dir, '--size', '3', '--classifier', 'gpt'], /--classifier must be one of zero-shot, vlm/],
    [['sample', path.join(dir, 'missing'), '--size', '3'], /is not a folder/],
    [['sample', dir, '--size', '3', '--bogus'], /unknown option --bogus/],
    [['mark', path.join(dir, 'a/img00.png')], /give --verdict, --category-right or --category-wrong/],
    [['mark', path.join(dir, 'a/img00.png'), '--verdict', 'great'], /--verdict must be one of accurate, partly, hallucinated, skip/],
    [['mark', path.join(dir, 'a/img00.png'), '--verdict', 'skip', '--category-wrong', 'dog'], /a skipped image gets no category verdict/],
    [['frobnicate'], /unknown audit command/],
  ];
  for (const [args, re] of cases) {
    const r = await run(auditCommand, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.err, re, args.join(' '));
    assert.match(r.err, /usage: image-triage audit/);
  }
  const empty = await tempDir('audit-empty-');
  const none = await run(auditCommand, ['sample', empty, '--size', '3']);
  assert.equal(none.code, 1);
  assert.match(none.err, /classify it first/);
});

test('audit mark records verdicts; invalid categories and missing sidecars are refused', async () => {
  const dir = await folder();
  const img = path.join(dir, 'a/img00.png');
  await run(auditCommand, ['sample', dir, '--size', '12', '--classifier', 'vlm']);
  const r = await run(auditCommand, ['mark', img, '--verdict', 'hallucinated', '--category-wrong', 'dog', '--note', 'no cat there', '--by', 'ann']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out, `${img}: hallucinated, category wrong (right: dog) [vlm vlm-A]\n`);
  const e = (await readSidecar(img))!.audit;
  assert.equal(e.length, 1, 'the awaiting entry was completed, not duplicated');
  assert.deepEqual([e[0].status, e[0].verdict, e[0].category_correct, e[0].correct_category, e[0].note, e[0].by], ['done', 'hallucinated', false, 'dog', 'no cat there', 'ann']);

  const ok = await run(auditCommand, ['mark', path.join(dir, 'a/img01.png'), '--verdict', 'accurate']);
  assert.equal(ok.out.trim().endsWith('accurate, category right [vlm vlm-A]'), true, ok.out);
  assert.equal((await readSidecar(path.join(dir, 'a/img01.png')))!.audit[0].by, 'tester', '--by defaults to IMAGE_TRIAGE_USER');

  const bad = await run(auditCommand, ['mark', path.join(dir, 'a/img02.png'), '--verdict', 'partly', '--category-wrong', 'fish']);
  assert.equal(bad.code, 1);
  assert.match(bad.err, /"fish" is not one of this prediction's categories: cat, dog, bird/);
  assert.equal((await readSidecar(path.join(dir, 'a/img02.png')))!.audit[0].status, 'awaiting', 'nothing written');

  const noSidecar = await run(auditCommand, ['mark', path.join(dir, 'unclassified.png'), '--verdict', 'accurate']);
  assert.equal(noSidecar.code, 1);
  assert.match(noSidecar.err, /no sidecar; classify it first/);
});

test('report after marking: JSON numbers, Markdown with chart files, HTML with inline SVG', async () => {
  const dir = await folder();
  await run(auditCommand, ['sample', dir, '--size', '12', '--classifier', 'vlm', '--seed', '9']);
  const verdicts: [string, string][] = [['a/img00.png', 'hallucinated'], ['a/img01.png', 'accurate'], ['b/img06.png', 'partly'], ['b/img07.png', 'skip']];
  for (const [rel, v] of verdicts) assert.equal((await run(auditCommand, ['mark', path.join(dir, rel), '--verdict', v])).code, 0);

  const j = await run(reportCommand, [dir, '--format', 'json']);
  assert.equal(j.code, 0, j.err);
  const report = JSON.parse(j.out);
  const vlm = report.groups.find((g: { classifier: string }) => g.classifier === 'vlm');
  // 3 judged (skip excluded): 1 hallucinated → 1/3 = 0.333333 [0.061492, 0.79234]; 8 still awaiting.
  assert.deepEqual([vlm.hallucination.judged, vlm.hallucination.awaiting], [3, 8]);
  assert.equal(vlm.hallucination.hallucinated.k, 1);
  assert.equal(vlm.hallucination.hallucinated.n, 3);
  assert.ok(Math.abs(vlm.hallucination.hallucinated.rate - 1 / 3) < 1e-12);
  assert.ok(Math.abs(vlm.hallucination.hallucinated.lower - 0.061492) < 1e-6);
  assert.ok(Math.abs(vlm.hallucination.hallucinated.upper - 0.79234) < 1e-6);
  assert.deepEqual(vlm.hallucination.verdicts, { accurate: 1, partly: 1, hallucinated: 1, skip: 1 });
  assert.deepEqual(report.images, { total: 13, with_sidecar: 12, corrupt: 0 });

  const out = path.join(dir, 'reports', 'trust.md');
  const md = await run(reportCommand, [dir, '--format', 'md', '--out', out]);
  assert.equal(md.code, 0, md.err);
  assert.equal(md.out, '');
  const text = await fs.readFile(out, 'utf8');
  assert.match(text, /33\.3% \\\[6\.1%, 79\.2%\\\]/);
  const charts = await fs.readdir(path.join(dir, 'reports', 'trust-charts'));
  assert.ok(charts.includes('g2-hallucination.svg'), charts.join(','));
  for (const c of charts) assert.ok(text.includes(`](trust-charts/${c})`), c);

  const html = await run(reportCommand, [dir, '--format', 'html']);
  assert.equal(html.code, 0);
  assert.match(html.out, /^<!DOCTYPE html>/);
  assert.match(html.out, /<svg [^>]*role="img"/);
  assert.ok(html.out.includes('33.3% [6.1%, 79.2%]'));

  const stdoutMd = await run(reportCommand, [dir]);
  assert.match(stdoutMd.out, /^# Trust report/);
  assert.match(stdoutMd.out, /<img alt="[^"]+" src="data:image\/svg\+xml;base64,/);
});

test('report usage errors exit 1', async () => {
  const dir = await folder();
  for (const [args, re] of [
    [[], /report takes one folder/],
    [[dir, '--format', 'pdf'], /--format must be one of md, html, json/],
    [[path.join(dir, 'nope')], /is not a folder/],
    [[dir, '--out'], /--out needs a value/],
  ] as [string[], RegExp][]) {
    const r = await run(reportCommand, args);
    assert.equal(r.code, 1, args.join(' '));
    assert.match(r.err, re);
    assert.match(r.err, /usage: image-triage report/);
  }
});
