// Writes a trust report to a file in the format its name asks for: .md (charts as .svg files in
// "<name>-charts/" beside it, linked relatively, so GitHub and VS Code render them), .html (one
// self-contained page) or .json. Shared by `image-triage report --out` and the extension's export.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../atomicWrite';
import { renderHtml, renderJson, renderMarkdown } from './reportRender';
import type { TrustReport } from './reportTypes';

export type ReportFormat = 'md' | 'html' | 'json';

/** The format a file name asks for, or null. */
export function reportFormatOf(file: string): ReportFormat | null {
  const ext = path.extname(file).toLowerCase();
  return ext === '.md' || ext === '.markdown' ? 'md' : ext === '.html' || ext === '.htm' ? 'html' : ext === '.json' ? 'json' : null;
}

export interface WrittenReport {
  file: string;
  /** Markdown only: the folder of chart files, and how many were written. */
  chartDir?: string;
  charts: number;
}

export async function writeReportFile(target: string, report: TrustReport, format: ReportFormat): Promise<WrittenReport> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  if (format !== 'md') {
    await writeFileAtomic(target, format === 'json' ? renderJson(report) : renderHtml(report));
    return { file: target, charts: 0 };
  }
  const dirName = `${path.basename(target, path.extname(target))}-charts`;
  const md = renderMarkdown(report, { charts: 'files', chartDir: dirName });
  const dir = path.join(path.dirname(target), dirName);
  if (md.files.length) await fs.mkdir(dir, { recursive: true });
  for (const f of md.files) await writeFileAtomic(path.join(dir, f.name), f.svg + '\n');
  await writeFileAtomic(target, md.text);
  return { file: target, chartDir: dir, charts: md.files.length };
}
