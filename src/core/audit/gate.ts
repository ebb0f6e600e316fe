// The quality gate behind `report --fail-if`: conditions over the trust report's JSON fields.
// Grammar:  conditions := condition ("," condition)*
//           condition  := field op number        op := < <= > >= == !=
//           number     := a decimal (0.05, 1e-3) or a percentage (5%)
// A per-classifier field is checked in every classifier+checkpoint group; a condition fails when any
// group's value meets it, and also when there is no value at all (a gate that cannot be measured
// does not pass). Pure: no I/O.
import type { Proportion } from './stats';
import type { GroupReport, TrustReport } from './reportTypes';

export type GateOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface GateCondition {
  text: string;
  field: string;
  op: GateOp;
  value: number;
}

export class GateSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GateSyntaxError';
  }
}

interface Measured {
  where: string;
  value: number | null;
}

type Getter = (r: TrustReport) => Measured[];

const groupName = (g: GroupReport) => `${g.classifier} ${g.checkpoint}`;
const perGroup = (f: (g: GroupReport) => number | null | undefined): Getter => (r) => r.groups.map((g) => ({ where: groupName(g), value: f(g) ?? null }));
const proportion = (prefix: string, pick: (g: GroupReport) => Proportion, doc: string): [string, Getter, string][] => [
  [prefix, perGroup((g) => pick(g).rate), `${doc} (rate)`],
  [`${prefix}.rate`, perGroup((g) => pick(g).rate), `${doc}`],
  [`${prefix}.lower`, perGroup((g) => pick(g).lower), `lower end of its 95% Wilson interval`],
  [`${prefix}.upper`, perGroup((g) => pick(g).upper), `upper end of its 95% Wilson interval`],
  [`${prefix}.n`, perGroup((g) => pick(g).n), `its denominator`],
];
const top = (where: string, f: (r: TrustReport) => number | null | undefined): Getter => (r) => [{ where, value: f(r) ?? null }];

/** Every field the gate knows, with a one-line description (printed by the usage). */
export const GATE_FIELDS: ReadonlyMap<string, { get: Getter; doc: string }> = new Map(
  (
    [
      ...proportion('hallucination', (g) => g.hallucination.hallucinated, 'share of audited predictions with hallucinated evidence'),
      ...proportion('partly', (g) => g.hallucination.partly, 'share of audited predictions with partly right evidence'),
      ...proportion('category_wrong', (g) => g.hallucination.category_wrong, 'share of audited predictions with the wrong category'),
      ...proportion('accuracy', (g) => g.review.accuracy, 'predicted labels equal the human labels, over decided reviews'),
      ...proportion('forced_classification', (g) => g.flags.forced_classification, 'share of predictions flagged forced_classification'),
      ['confidence.high', perGroup((g) => g.confidence.shares.high), 'share of predicted categories with high confidence'],
      ['confidence.medium', perGroup((g) => g.confidence.shares.medium), 'share with medium confidence'],
      ['confidence.low', perGroup((g) => g.confidence.shares.low), 'share with low confidence'],
      ['awaiting', perGroup((g) => g.hallucination.awaiting), 'sampled units still awaiting a verdict'],
      ['predictions', perGroup((g) => g.predictions), 'current predictions'],
      ['auto_accepted', perGroup((g) => g.review.auto_accepted), 'auto-accepted reviews'],
      ['suspect_labels', perGroup((g) => g.suspect_labels?.flagged), 'human labels the zero-shot model flags as suspect'],
      ['kappa', (r) => r.agreement.map((a) => ({ where: `${a.zero_shot_checkpoint} vs ${a.vlm_checkpoint}`, value: a.kappa.kappa })), "Cohen's kappa of zero-shot and VLM"],
      ['images.corrupt', top('folder', (r) => r.images.corrupt), 'corrupt sidecars'],
      ['near_duplicates.different_labels', top('folder', (r) => r.near_duplicates?.different_labels), 'near-duplicate pairs labelled differently (needs --duplicates)'],
      ['probe.shuffled_changed', top('probe', (r) => r.description_probe?.shuffled_changed.rate), 'share of predictions that changed with shuffled descriptions (needs --probe)'],
      ['probe.names_only_changed', top('probe', (r) => r.description_probe?.names_only_changed.rate), 'share that changed with names only (needs --probe)'],
      ['probe.descriptions_ignored', top('probe', (r) => (r.description_probe ? Number(r.description_probe.descriptions_ignored) : null)), '1 when the probe found the descriptions ignored (needs --probe)'],
    ] as [string, Getter, string][]
  ).map(([name, get, doc]) => [name, { get, doc }]),
);

const COND = /^\s*([a-z_][a-z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(%?)\s*$/i;

export function parseGate(text: string): GateCondition[] {
  const parts = text.split(',').map((s) => s.trim());
  if (!parts.length || parts.some((p) => !p)) throw new GateSyntaxError(`empty condition in "${text}"`);
  return parts.map((p) => {
    const m = COND.exec(p);
    if (!m) throw new GateSyntaxError(`cannot read condition "${p}": write <field><op><number>, e.g. hallucination.upper>0.05`);
    const field = m[1].toLowerCase();
    if (!GATE_FIELDS.has(field)) throw new GateSyntaxError(`unknown field "${m[1]}" in "${p}"; known: ${[...GATE_FIELDS.keys()].join(', ')}`);
    return { text: p, field, op: m[2] as GateOp, value: Number(m[3]) / (m[4] ? 100 : 1) };
  });
}

const test = (x: number, op: GateOp, v: number) =>
  op === '<' ? x < v : op === '<=' ? x <= v : op === '>' ? x > v : op === '>=' ? x >= v : op === '==' ? x === v : x !== v;

export interface GateFailure {
  condition: string;
  where: string;
  /** null: no data to measure. */
  value: number | null;
}

export function evaluateGate(report: TrustReport, conditions: readonly GateCondition[]): { passed: boolean; failures: GateFailure[] } {
  const failures: GateFailure[] = [];
  for (const c of conditions) {
    const measured = GATE_FIELDS.get(c.field)!.get(report);
    if (!measured.length) failures.push({ condition: c.text, where: 'folder', value: null });
    for (const m of measured) if (m.value === null || test(m.value, c.op, c.value)) failures.push({ condition: c.text, where: m.where, value: m.value });
  }
  return { passed: failures.length === 0, failures };
}

export function describeFailure(f: GateFailure): string {
  return f.value === null ? `${f.condition}: no data (${f.where})` : `${f.condition}: ${f.where} = ${Number(f.value.toFixed(6))}`;
}
