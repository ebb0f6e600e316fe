// `image-triage review <image>… (--accept | --label <name>… | --reject) [--note …] [--by …]`
// Records a human decision in each image's sidecar, exactly as the review panel does.
import * as os from 'node:os';
import * as path from 'node:path';
import { applyReview, primaryPrediction, type ReviewDecision } from '../../core/sidecar';
import { SidecarCorruptError, updateSidecar } from '../../core/sidecarStore';
import type { ClassifierKind } from '../../core/types';
import { UsageError, choiceFlag, flag, has, parseArgs, type CliIO } from '../args';

export const REVIEW_ARGS = { booleans: ['accept', 'reject'], values: ['note', 'by', 'classifier'], lists: ['label'] };
export const REVIEW_USAGE = 'usage: image-triage review <image>… (--accept | --label <name>… | --reject) [--note <text>] [--by <name>] [--classifier zero-shot|vlm]';

export function reviewer(env: NodeJS.ProcessEnv = process.env): string {
  try {
    return env.IMAGE_TRIAGE_USER || os.userInfo().username || 'unknown';
  } catch {
    return env.USER || 'unknown';
  }
}

export async function reviewCommand(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, REVIEW_ARGS);
  const chosen = ['accept', 'reject', 'label'].filter((f) => has(a, f));
  if (chosen.length !== 1) throw new UsageError('give exactly one of --accept, --label <name>… or --reject');
  if (!a.positionals.length) throw new UsageError('review needs at least one image');
  const decision: ReviewDecision = has(a, 'accept') ? { action: 'accept' } : has(a, 'reject') ? { action: 'reject' } : { action: 'label', labels: a.flags.get('label')! };
  const classifier = choiceFlag<ClassifierKind>(a, 'classifier', ['zero-shot', 'vlm']);
  const who = { by: flag(a, 'by') ?? reviewer(io.env), note: flag(a, 'note'), classifier };
  let failed = 0;
  for (const img of a.positionals) {
    const imagePath = path.resolve(img);
    try {
      const sc = await updateSidecar(imagePath, (cur) => {
        if (!cur) throw new Error('has no sidecar yet: classify its folder first');
        const pred = primaryPrediction(cur, classifier);
        if (decision.action === 'label') {
          const known = pred ? Object.keys(pred.category_scores) : [];
          const unknown = decision.labels.filter((l) => !known.includes(l));
          if (unknown.length) throw new Error(`unknown category ${unknown.map((u) => `"${u}"`).join(', ')}; known: ${known.join(', ') || '(none: classify first)'}`);
          if (pred?.mode === 'single_label' && decision.labels.length > 1) throw new Error('single_label mode takes one --label');
        }
        if (decision.action === 'accept' && !pred) throw new Error('has no prediction to accept: classify first, or use --label');
        return applyReview(cur, decision, who);
      });
      io.out(`${img}: ${sc!.review.status}${sc!.review.labels.length ? ` [${sc!.review.labels.join(', ')}]` : ''}\n`);
    } catch (e) {
      failed++;
      io.err(`${img}: ${e instanceof SidecarCorruptError ? e.message : (e as Error).message}\n`);
    }
  }
  return failed ? 2 : 0;
}
