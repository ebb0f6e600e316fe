// `image-triage report <folder> [--format md|html|json] [--out <file>] [--suspects N]`
// The trust report of a folder. Without --out it goes to stdout (Markdown charts as data: URI <img>
// tags, which VS Code's preview renders). With --out and md, the charts are written as .svg files in
// "<name>-charts/" next to the report and linked relatively, which GitHub renders too.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder, type IndexedImage } from '../../core/folderIndex';
import { folderMatrix } from '../../classifiers/zeroShot/folderEmbeddings';
import { folderNearDuplicates } from '../../classifiers/similarity/nearDuplicates';
import { describeSearch, type NearDuplicates } from '../../core/audit/labelIssues';
import { defaultCacheDir } from '../../core/cacheDir';
import { buildReport } from '../../core/audit/report';
import { renderHtml, renderJson, renderMarkdown } from '../../core/audit/reportRender';
import { writeReportFile } from '../../core/audit/reportFiles';
import { UsageError, withUsage, choiceFlag, flag, intFlag, parseArgs, type ArgSpec, type CliIO } from '../args';
import { GATE_FIELDS, GateSyntaxError, describeFailure, evaluateGate, parseGate, type GateCondition } from '../../core/audit/gate';
import { reportProbe } from './reportProbe';
import { encoderUrlFromFlags } from '../classifierFlags';

export const REPORT_USAGE =
  'usage: image-triage report <folder> [--format md|html|json] [--out <file>] [--suspects N] [--duplicates <cosine>] [--cache-dir <dir>]\n' +
  '  --duplicates lists near-duplicate pairs (cosine above the threshold, e.g. 0.95) and the clusters they join into, from the\n' +
  '  cached zero-shot image embeddings (exact, blocked matrix products in a worker thread; any folder size).\n' +
  '  md is the default. With --out and md, charts are written to <file name>-charts/ beside the report.\n' +
  '  [--probe N [--seed S] [--model <id|dir>] [--dtype …] [--categories <file>] [--encoder-url <url> [--send-images]]] runs the\n' +
  '  description-ignored probe on N images with cached zero-shot embeddings (no image is re-encoded) and fills the report\'s\n' +
  '  probe section; with --encoder-url (or $IMAGE_TRIAGE_ENCODER_URL) the category texts are encoded on that Open Inference\n' +
  '  Protocol server, as classify --encoder-url does.\n' +
  '  [--fail-if "<field><op><number>[,…]"] exits 3 naming each failed condition (op: < <= > >= == !=; 5% = 0.05);\n' +
  '  a field with no data fails. Fields: ' + [...GATE_FIELDS.keys()].join(', ') + '.';

const FORMATS = ['md', 'html', 'json'] as const;

/** Near duplicates from the folder checkpoint's cached embeddings (no model loaded), off the main thread. */
async function duplicates(images: IndexedImage[], dir: string, threshold: number, io: CliIO): Promise<NearDuplicates> {
  const m = await folderMatrix(images, dir);
  if (m.key) io.err(`near duplicates: ${m.ids.length} of ${images.length} images have cached embeddings for ${m.key.model}\n`);
  let shown = -1;
  const d = await folderNearDuplicates(images, m, threshold, {
    onProgress: (done, total) => {
      const pct = Math.floor((100 * done) / total);
      if (io.isTTY && pct !== shown) io.err(`\rcomparing embeddings: ${(shown = pct)}%`);
    },
  });
  if (io.isTTY && shown >= 0) io.err('\n');
  io.err(`near duplicates: ${d.pairs.length} pairs in ${d.clusters.length} clusters (${d.seconds.toFixed(1)} s). ${describeSearch(d.search)}\n`);
  return d;
}

/** The flags the parser accepts (tests compare them with --help and the README). */
export const REPORT_ARGS: ArgSpec = {
  booleans: ['send-images'],
  values: ['format', 'out', 'suspects', 'duplicates', 'cache-dir', 'fail-if', 'probe', 'seed', 'model', 'dtype', 'categories', 'encoder-url'],
};

async function run(args: string[], io: CliIO): Promise<number> {
  const a = parseArgs(args, REPORT_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('report takes one folder');
  const format = choiceFlag(a, 'format', FORMATS) ?? 'md';
  const suspects = intFlag(a, 'suspects', 0, 100000);
  const out = flag(a, 'out');
  const root = path.resolve(a.positionals[0]);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);
  let gate: GateCondition[] | undefined;
  try {
    gate = flag(a, 'fail-if') === undefined ? undefined : parseGate(flag(a, 'fail-if')!);
  } catch (e) {
    if (e instanceof GateSyntaxError) throw new UsageError(`--fail-if: ${e.message}`);
    throw e;
  }
  const probeSize = intFlag(a, 'probe', 1, 1000);
  for (const f of ['seed', 'model', 'dtype', 'categories', 'encoder-url', 'send-images']) if (a.flags.has(f) && probeSize === undefined) throw new UsageError(`--${f} only applies with --probe N`);
  const encoderUrl = probeSize === undefined ? undefined : encoderUrlFromFlags(a, io.env);

  const images = await indexFolder(root);
  const dupFlag = flag(a, 'duplicates');
  const duplicateThreshold = dupFlag === undefined ? undefined : Number(dupFlag);
  if (duplicateThreshold !== undefined && !(duplicateThreshold > 0 && duplicateThreshold <= 1)) throw new UsageError('--duplicates takes a cosine threshold in (0, 1], e.g. 0.95');
  const dups = duplicateThreshold === undefined ? undefined : await duplicates(images, path.join(flag(a, 'cache-dir') ?? defaultCacheDir(io.env), 'embeddings'), duplicateThreshold, io);
  const cacheDir = flag(a, 'cache-dir') ?? defaultCacheDir(io.env);
  const probe = probeSize === undefined ? undefined : await reportProbe(root, images, { size: probeSize, seed: intFlag(a, 'seed', 0, 2 ** 31 - 1) ?? 1, cacheDir, model: flag(a, 'model'), dtype: flag(a, 'dtype'), categories: flag(a, 'categories'), encoderUrl }, io);
  const report = buildReport(images, { folder: a.positionals[0], suspectLimit: suspects, duplicates: dups, probe });
  for (const w of report.warnings) io.err(`warning: ${w}\n`);
  const code = await emit(report, format, out, io);
  if (!gate) return code;
  const g = evaluateGate(report, gate);
  if (g.passed) {
    io.err(`quality gate passed: ${gate.map((c) => c.text).join(', ')}\n`);
    return code;
  }
  io.err(`quality gate FAILED (${g.failures.length}):\n${g.failures.map((f) => `  ${describeFailure(f)}\n`).join('')}`);
  return 3;
}

async function emit(report: ReturnType<typeof buildReport>, format: (typeof FORMATS)[number], out: string | undefined, io: CliIO): Promise<number> {
  if (!out) {
    io.out(format === 'json' ? renderJson(report) : format === 'html' ? renderHtml(report) : renderMarkdown(report).text);
    return 0;
  }
  const written = await writeReportFile(path.resolve(out), report, format);
  if (written.chartDir) io.err(`Wrote ${out} and ${written.charts} chart(s) in ${path.join(path.dirname(out), path.basename(written.chartDir))}\n`);
  else io.err(`Wrote ${out}\n`);
  return 0;
}

export const reportCommand = withUsage(REPORT_USAGE, run);
