// `image-triage eval <folder> [--truth folders|human] [--classifier zero-shot|vlm] [--checkpoint <id>]
//   [--format md|html|json] [--json] [--out <file>]` and `eval --protocol cifar10 --write-categories <file>`
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { writeFileAtomic } from '../../core/atomicWrite';
import { evaluate, type TruthSource } from '../../core/eval/evaluate';
import { renderEvalHtml, renderEvalJson, renderEvalMarkdown } from '../../core/eval/render';
import { PROTOCOLS, cifar10Categories } from '../../core/eval/cifar10';
import { percent } from '../../core/audit/charts';
import { UsageError, choiceFlag, flag, has, parseArgs, type CliIO, type ArgSpec } from '../args';

export const EVAL_USAGE = `usage: image-triage eval <folder> [--truth folders|human] [--classifier zero-shot|vlm] [--checkpoint <id>]
         [--format md|html|json] [--json] [--out <file>]
       image-triage eval --protocol cifar10 --write-categories <file>
  Truth: the parent folder name (default; matched to categories ignoring case, spaces, underscores) or human labels.
  Reports top-1/top-5, per-class precision/recall/F1, macro averages, confusion, ECE (15 bins) with a
  reliability diagram, and accuracy vs coverage, per classifier and checkpoint. --json = --format json.
  A multi_label folder with --truth human gets set metrics: per-label P/R/F1, micro/macro F1, subset
  accuracy, hamming loss, per-label confusion [[tn, fp], [fn, tp]]; with folder truth, top-1 metrics.`;

/** The flags the parser accepts (tests compare them with --help and the README). */
export const EVAL_ARGS: ArgSpec = { booleans: ['json'], values: ['truth', 'classifier', 'checkpoint', 'format', 'out', 'protocol', 'write-categories'] };

export async function evalCommand(argv: string[], io: CliIO): Promise<number> {
  if (argv[0] === '--help' || argv[0] === 'help') {
    io.out(EVAL_USAGE + '\n');
    return 0;
  }
  const a = parseArgs(argv, EVAL_ARGS);
  const protocol = choiceFlag(a, 'protocol', PROTOCOLS);
  if (protocol) {
    const file = flag(a, 'write-categories');
    if (!file) throw new UsageError('--protocol cifar10 needs --write-categories <file>');
    await writeFileAtomic(path.resolve(file), JSON.stringify(cifar10Categories(), null, 2) + '\n');
    io.err(`Wrote ${file}: the 10 CIFAR-10 classes with the CLIP paper's 18 CIFAR-10 prompt templates.\n`);
    if (!a.positionals.length) return 0;
  }
  if (a.positionals.length !== 1) throw new UsageError('eval takes one folder');
  const truth = choiceFlag<TruthSource>(a, 'truth', ['folders', 'human']) ?? 'folders';
  const format = has(a, 'json') ? 'json' : (choiceFlag(a, 'format', ['md', 'html', 'json'] as const) ?? 'md');
  const root = path.resolve(a.positionals[0]);
  if (!(await fs.stat(root).catch(() => null))?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);
  const report = evaluate(await indexFolder(root), { folder: a.positionals[0], truth });
  const classifier = flag(a, 'classifier');
  const checkpoint = flag(a, 'checkpoint');
  report.groups = report.groups.filter((g) => (!classifier || g.classifier === classifier) && (!checkpoint || g.checkpoint === checkpoint));
  for (const u of report.unmatched_folders) io.err(`warning: folder "${u.folder}" (${u.images} images) matches no category; left out\n`);
  if (!report.groups.length) {
    io.err(`error: no image has both ${truth === 'folders' ? 'a folder-name truth' : 'a human label'} and a prediction${classifier || checkpoint ? ' from that classifier/checkpoint' : ''}. Classify the folder first.\n`);
    return 1;
  }
  for (const n of report.notes.filter((t) => t.startsWith('multi_label predictions evaluated against one folder'))) io.err(`note: ${n}\n`);
  for (const g of report.groups) {
    const m = g.multi_label;
    if (m) {
      io.err(`${g.classifier} ${g.checkpoint} (multi_label, ${g.n} images): subset accuracy ${percent(m.subset_accuracy)}, hamming loss ${m.hamming_loss.toFixed(3)}, micro F1 ${m.micro_f1.toFixed(3)}, macro F1 ${g.macro_f1.toFixed(3)}, top-1 ${percent(g.top1)}, ECE ${g.ece === null ? 'n/a' : g.ece.toFixed(3)}\n`);
      continue;
    }
    io.err(`${g.classifier} ${g.checkpoint}: ${g.n} images, top-1 ${percent(g.top1)}, top-5 ${percent(g.top5)}, macro F1 ${g.macro_f1.toFixed(3)}, ECE ${g.ece === null ? 'n/a' : g.ece.toFixed(3)}\n`);
  }
  const text = format === 'json' ? renderEvalJson(report) : format === 'html' ? renderEvalHtml(report) : renderEvalMarkdown(report);
  const out = flag(a, 'out');
  if (out) {
    await writeFileAtomic(path.resolve(out), text);
    io.err(`Wrote ${out}\n`);
  } else io.out(text);
  return 0;
}
