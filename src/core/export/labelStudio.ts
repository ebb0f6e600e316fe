// Label Studio: a JSON list of tasks (data.image), the model's output as pre-annotations in
// "predictions" and human labels as "annotations", plus the labeling config that matches them.
//   https://labelstud.io/guide/task_format (tasks, data, annotations, predictions)
//   https://labelstud.io/guide/predictions (model_version, score, result with from_name/to_name)
//   https://labelstud.io/tags/choices (the Choices tag of the config)
// data.image is a Local Files URL (/data/local-files/?d=<path>) relative to the export folder (or to
// the reviewed folder with --files none): set LOCAL_FILES_DOCUMENT_ROOT to it, as the README says.
import { escapeXml } from '../audit/escape';
import type { ExportRow, FormatWriter } from './types';

export const LS_FROM = 'label';
export const LS_TO = 'image';

function result(labels: string[]) {
  return [{ from_name: LS_FROM, to_name: LS_TO, type: 'choices', value: { choices: labels } }];
}

export function labelConfig(classes: readonly string[], multi: boolean): string {
  const choices = classes.map((c) => `    <Choice value="${escapeXml(c)}"/>`).join('\n');
  return (
    `<View>\n  <Image name="${LS_TO}" value="$image"/>\n` +
    `  <Choices name="${LS_FROM}" toName="${LS_TO}" choice="${multi ? 'multiple' : 'single'}" showInline="true">\n${choices}\n  </Choices>\n</View>\n`
  );
}

function task(r: ExportRow, imageRel: string) {
  const pred = r.checkpoint && r.predictedLabels.length
    ? [{ model_version: `${r.classifier}:${r.checkpoint}`, score: r.predictedScore ?? 0, result: result(r.predictedLabels) }]
    : [];
  const ann = r.source === 'human' && r.labels.length ? [{ result: result(r.labels), ground_truth: false }] : [];
  return {
    data: { image: `/data/local-files/?d=${encodeURIComponent(imageRel).replace(/%2F/g, '/')}`, source_path: r.relPath, source: r.source, review_status: r.status, split: r.split, label: r.labels.join(';') },
    annotations: ann,
    predictions: pred,
  };
}

export const labelStudioWriter: FormatWriter = {
  format: 'labelstudio',
  specs: ['https://labelstud.io/guide/task_format', 'https://labelstud.io/guide/predictions', 'https://labelstud.io/tags/choices'],
  dirFor() {
    return 'images';
  },
  async write(ctx, writeFile) {
    const multi = ctx.mode === 'multi_label' || ctx.rows.some((r) => r.labels.length > 1);
    const tasks = ctx.rows.map((r) => task(r, r.file ?? r.relPath));
    await writeFile('tasks.json', JSON.stringify(tasks, null, 1) + '\n');
    await writeFile('label_config.xml', labelConfig(ctx.classes, multi));
  },
};
