// `image-triage show <image>`: a readable summary of an image's sidecar.
import * as path from 'node:path';
import { readSidecar } from '../../core/sidecarStore';
import type { Prediction, Sidecar } from '../../core/types';
import { UsageError, parseArgs, type CliIO } from '../args';

export function formatSidecar(sc: Sidecar): string {
  const out: string[] = [`${sc.image.name}  (${sc.image.size} bytes, sha256 ${sc.image.sha256.slice(0, 12)}…)`];
  for (const p of Object.values(sc.predictions) as Prediction[]) {
    out.push('', `[${p.classifier}] checkpoint ${p.checkpoint}${p.dtype ? ` (${p.dtype})` : ''}, ${p.mode}, ${p.created_at}`);
    out.push(`  route: ${p.would_route_to}   fits_any: ${p.fits_any}`);
    for (const c of p.predicted_categories) out.push(`  → ${c.name}  score ${c.score}/5, ${c.confidence} confidence`, `    evidence: ${c.visual_evidence}`);
    out.push(`  scores (1–5): ${Object.entries(p.category_scores).map(([n, s]) => `${n}=${s}`).join(', ')}`);
    if (p.zero_shot) {
      out.push(`  ${p.zero_shot.score_kind} scores (uncalibrated, this checkpoint only): ${p.zero_shot.top5.map((t) => `${t.name} ${t.score.toFixed(3)}`).join(', ')}`);
    }
    out.push(`  basis: ${p.decision_basis}`);
    for (const w of p.warnings) out.push(`  warning: ${w}`);
    for (const f of p.flags ?? []) out.push(`  flag ${f.kind}: ${f.detail}`);
  }
  for (const e of Object.values(sc.errors ?? {})) if (e) out.push('', `[${e.classifier}] error: ${e.message}`);
  const r = sc.review;
  out.push('', `review: ${r.status}${r.labels.length ? ` [${r.labels.join(', ')}]` : ''}${r.by ? ` by ${r.by} at ${r.at}` : ''}${r.note ? ` — ${r.note}` : ''}`);
  if (sc.audit.length) out.push(`audit: ${sc.audit.length} entr${sc.audit.length === 1 ? 'y' : 'ies'} (${sc.audit.filter((x) => x.status === 'awaiting').length} awaiting)`);
  return out.join('\n');
}

export const SHOW_ARGS = { booleans: ['json'] };
export const SHOW_USAGE = 'usage: image-triage show <image> [--json]   (prints the image\'s sidecar)';

export async function showCommand(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, SHOW_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('show takes one image');
  const sc = await readSidecar(path.resolve(a.positionals[0]));
  if (!sc) {
    io.err(`${a.positionals[0]} has no sidecar yet: classify its folder first.\n`);
    return 1;
  }
  io.out((a.flags.has('json') ? JSON.stringify(sc, null, 2) : formatSidecar(sc)) + '\n');
  return 0;
}
