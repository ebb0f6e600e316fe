// Runs every consumer of a sidecar over one: what the run, the panel, `show`, the audit, the
// trust report and the export's rows do with it. Used by the fuzz test: a sidecar that reads must never make these throw.
import type { Prediction, Sidecar } from '../../../src/core/types';
import { applyPrediction, applyPredictionError, applyReview, isPredictionCurrent, primaryPrediction, restoreReview, sidecarLabels } from '../../../src/core/sidecar';
import { summarize } from '../../../src/core/imageSummary';

import { formatSidecar } from '../../../src/cli/commands/show';
import { VerdictError, verdictEntry, auditProgress } from '../../../src/core/audit/verdict';
import { sampleCandidates } from '../../../src/core/audit/sampling';
import { buildReport } from '../../../src/core/audit/report';
import { renderHtml, renderJson, renderMarkdown } from '../../../src/core/audit/reportRender';
import { dashboardData } from '../../../src/extension/panel/trustData';
import { LABEL_MODES, labelsFor } from '../../../src/core/export/labelSource';
import { buildRow } from '../../../src/core/export/rows';

const FRESH: Prediction = {
  predicted_categories: [{ name: 'red', score: 5, confidence: 'high', visual_evidence: 'e' }],
  fits_any: true,
  category_scores: { red: 5, blue: 1 },
  would_route_to: 'red',
  decision_basis: 'b',
  classifier: 'zero-shot',
  checkpoint: 'ck',
  revision: 'r',
  dtype: 'fp32',
  categories_hash: 'h2',
  mode: 'single_label',
  created_at: '2026-02-01T00:00:00.000Z',
  image_sha256: 'f'.repeat(64),
  warnings: [],
};

export function exerciseConsumers(sc: Sidecar, relPath: string): void {
  const outputs: unknown[] = [];
  outputs.push(summarize(relPath, sc), sidecarLabels(sc), formatSidecar(sc), primaryPrediction(sc));
  for (const p of [FRESH, { ...FRESH, classifier: 'vlm' as const }]) {
    const next = applyPrediction(sc, p);
    outputs.push(next, summarize(relPath, next));
    outputs.push(isPredictionCurrent(sc, { classifier: p.classifier, checkpoint: 'ck', revision: 'r', dtype: 'fp32', categoriesHash: 'h2', sha256: 'x' }));
  }
  outputs.push(applyPredictionError(sc, { classifier: 'vlm', checkpoint: 'c', message: 'm', at: FRESH.created_at }));
  for (const d of [{ action: 'accept' as const }, { action: 'reject' as const }, { action: 'label' as const, labels: ['blue'] }, { action: 'toggle' as const, label: 'red', on: true }]) {
    const next = applyReview(sc, d, { by: 'fuzz', note: 'n' });
    outputs.push(next, restoreReview(next, sc.review), summarize(relPath, next));
  }
  for (const classifier of [undefined, 'zero-shot' as const, 'vlm' as const]) {
    try {
      outputs.push(verdictEntry(sc, { verdict: 'accurate', by: 'fuzz', classifier }));
    } catch (e) {
      if (!(e instanceof VerdictError)) throw e; // "no prediction to audit" is a user-facing answer
    }
  }
  const images = [{ path: `/x/${relPath}`, relPath, sidecar: sc }];
  outputs.push(sampleCandidates(images), auditProgress(images));
  const report = buildReport(images, { folder: '/x', now: FRESH.created_at });
  outputs.push(renderHtml(report), renderJson(report), renderMarkdown(report).text, dashboardData(report));
  for (const mode of LABEL_MODES) {
    const outcome = labelsFor(sc, mode);
    outputs.push(outcome);
    if ('ok' in outcome) outputs.push(buildRow(relPath, `/x/${relPath}`, outcome.ok, sc.predictions?.['zero-shot']));
  }
  JSON.stringify(outputs); // what crosses to the webview or into a file
}
