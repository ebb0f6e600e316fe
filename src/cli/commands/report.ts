// `image-triage report <folder> [--format md|html|json] [--out <file>] [--suspects N]`
// The trust report of a folder. Without --out it goes to stdout (Markdown charts as data: URI <img>
// tags, which VS Code's preview renders). With --out and md, the charts are written as .svg files in
// "<name>-charts/" next to the report and linked relatively, which GitHub renders too.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { indexFolder } from '../../core/folderIndex';
import { writeFileAtomic } from '../../core/atomicWrite';
import { buildReport } from '../../core/audit/report';
import { renderHtml, renderJson, renderMarkdown } from '../../core/audit/reportRender';
import { UsageError, choiceFlag, flag, intFlag, parseArgs, type CliIO } from '../args';

export const REPORT_USAGE =
  'usage: image-triage report <folder> [--format md|html|json] [--out <file>] [--suspects N]\n' +
  '  md is the default. With --out and md, charts are written to <file name>-charts/ beside the report.';

const FORMATS = ['md', 'html', 'json'] as const;

async function run(args: string[], io: CliIO): Promise<number> {
  const a = parseArgs(args, { values: ['format', 'out', 'suspects'] });
  if (a.positionals.length !== 1) throw new UsageError('report takes one folder');
  const format = choiceFlag(a, 'format', FORMATS) ?? 'md';
  const suspects = intFlag(a, 'suspects', 0, 100000);
  const out = flag(a, 'out');
  const root = path.resolve(a.positionals[0]);
  const st = await fs.stat(root).catch(() => null);
  if (!st?.isDirectory()) throw new UsageError(`${a.positionals[0]} is not a folder`);

  const images = await indexFolder(root);
  const report = buildReport(images, { folder: a.positionals[0], suspectLimit: suspects });
  for (const w of report.warnings) io.err(`warning: ${w}\n`);

  if (!out) {
    io.out(format === 'json' ? renderJson(report) : format === 'html' ? renderHtml(report) : renderMarkdown(report).text);
    return 0;
  }
  const target = path.resolve(out);
  await fs.mkdir(path.dirname(target), { recursive: true });
  if (format === 'md') {
    const dirName = `${path.basename(target, path.extname(target))}-charts`;
    const md = renderMarkdown(report, { charts: 'files', chartDir: dirName });
    const dir = path.join(path.dirname(target), dirName);
    if (md.files.length) await fs.mkdir(dir, { recursive: true });
    for (const f of md.files) await writeFileAtomic(path.join(dir, f.name), f.svg + '\n');
    await writeFileAtomic(target, md.text);
    io.err(`Wrote ${out} and ${md.files.length} chart(s) in ${path.join(path.dirname(out), dirName)}\n`);
  } else {
    await writeFileAtomic(target, format === 'json' ? renderJson(report) : renderHtml(report));
    io.err(`Wrote ${out}\n`);
  }
  return 0;
}

export async function reportCommand(args: string[], io: CliIO): Promise<number> {
  try {
    if (args[0] === '--help' || args[0] === 'help') {
      io.out(REPORT_USAGE + '\n');
      return 0;
    }
    return await run(args, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\n${REPORT_USAGE}\n`);
      return 1;
    }
    throw e;
  }
}
