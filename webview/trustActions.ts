// The dashboard's "Act on trust" section: Certify & auto-accept (the coverage-versus-upper-bound curve,
// the audit still needed, the action and its undo), Learn from my corrections (both cross-validated
// accuracies before anything is applied), and Run description probe. Every string is set as text.
import type { TrustActionsState } from '../src/shared/protocol';
import type { CertifyState } from '../src/core/certify/certify';
import type { AdaptResult } from '../src/core/adapt/result';
import type { ProbeResult } from '../src/core/audit/probe';
import { problemOf, rpc } from './rpc';
import { h, replace } from './dom';

const SVG = 'http://www.w3.org/2000/svg';
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(1)}%`);

function svgEl(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Coverage (x) against the one-sided 95% upper bound (y) at the sampled scores; the target dashed. */
export function curveSvg(s: CertifyState): SVGElement {
  const W = 320;
  const H = 160;
  const L = 40;
  const B = 28;
  const x = (c: number) => L + c * (W - L - 10);
  const y = (u: number) => H - B - u * (H - B - 10);
  const svg = svgEl('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', class: 'certify-curve', 'aria-label': `Coverage against the upper bound of the error rate; target ${pct(s.max_error)}` });
  svg.append(svgEl('title', {}, 'Coverage vs one-sided 95% upper bound (Clopper–Pearson)'));
  svg.append(svgEl('line', { x1: L, y1: y(0), x2: W - 10, y2: y(0), class: 'axis' }), svgEl('line', { x1: L, y1: y(0), x2: L, y2: 10, class: 'axis' }));
  svg.append(svgEl('line', { x1: L, y1: y(s.max_error), x2: W - 10, y2: y(s.max_error), class: 'target', 'stroke-dasharray': '4 3' }));
  svg.append(svgEl('text', { x: W - 12, y: y(s.max_error) - 3, 'text-anchor': 'end', class: 'label' }, `target ${pct(s.max_error)}`));
  svg.append(svgEl('text', { x: (L + W) / 2, y: H - 6, 'text-anchor': 'middle', class: 'label' }, 'coverage of unreviewed images'), svgEl('text', { x: 4, y: 12, class: 'label' }, 'bound'));
  const pts = [...s.curve].sort((a, b) => a.coverage - b.coverage).map((p) => `${x(p.coverage).toFixed(1)},${y(p.upper_bound).toFixed(1)}`);
  if (pts.length > 1) svg.append(svgEl('polyline', { points: pts.join(' '), class: 'curve', fill: 'none' }));
  for (const p of s.curve) {
    const dot = svgEl('circle', { cx: x(p.coverage), cy: y(p.upper_bound), r: 3, class: p.threshold === s.threshold ? 'point current' : 'point' });
    dot.append(svgEl('title', {}, `score ≥ ${p.threshold}: coverage ${pct(p.coverage)}, bound ${pct(p.upper_bound)} (${p.errors} wrong of ${p.n})`));
    svg.append(dot);
  }
  return svg;
}

export class TrustActions {
  readonly el: HTMLElement;
  private certify = h('div', { class: 'act-certify', 'aria-live': 'polite' });
  private learn = h('div', { class: 'act-learn', 'aria-live': 'polite' });
  private probe = h('div', { class: 'act-probe', 'aria-live': 'polite' });
  private maxError = h('vscode-text-field', { value: '0.02', size: '6', 'data-act': 'max-error', 'aria-label': 'Target error rate' }) as HTMLInputElement;
  private lastRun: string | null = null;
  private checked: AdaptResult | null = null;
  private state: TrustActionsState | null = null;

  constructor(private readonly notify: (level: 'info' | 'error', text: string) => void, auditSample: () => void) {
    const btn = (act: string, text: string, label: string) => h('vscode-button', { appearance: 'secondary', 'data-act': act, 'aria-label': label }, text);
    const draw = btn('certify-draw', 'Draw / extend audit sample', 'Draw or extend the certification sample among unreviewed images');
    const accept = btn('auto-accept', 'Auto-accept', 'Auto-accept the unreviewed images at or above the certified threshold');
    const audit = btn('certify-audit', 'Audit the sample (c / w)', 'Open the Audit view on the certification sample: c right, w wrong');
    const undo = btn('auto-accept-undo', 'Undo auto-accept', 'Undo the last auto-accept run');
    const check = btn('adapt-check', 'Learn from my corrections', 'Fit an adapter on your labels and show both cross-validated accuracies');
    const apply = btn('adapt-apply', 'Apply adapter', 'Re-score the unreviewed images with the adapter');
    const probe = btn('probe-run', 'Run description probe', 'Re-score a sample with names only and shuffled descriptions');
    this.el = h(
      'section',
      { class: 'act-on-trust', 'aria-label': 'Act on trust' },
      h('h3', {}, 'Certify & auto-accept'),
      h('div', { class: 'act-row' }, h('label', {}, 'Target error ', this.maxError), draw, audit, accept, undo),
      this.certify,
      h('h3', {}, 'Learn from my corrections'),
      h('div', { class: 'act-row' }, check, apply),
      this.learn,
      h('h3', {}, 'Description probe'),
      h('div', { class: 'act-row' }, probe),
      this.probe,
    );
    const run = (el: HTMLElement, fn: () => Promise<void>) =>
      el.addEventListener('click', () => {
        if (el.hasAttribute('disabled')) return;
        el.setAttribute('disabled', '');
        fn()
          .catch((e) => this.notify('error', problemOf(e).message))
          .finally(() => {
            el.removeAttribute('disabled');
            this.buttons();
          });
      });
    run(draw, async () => this.show(await rpc.sendRequest('certifyDraw', { maxError: this.target() })));
    audit.addEventListener('click', () => {
      if (!audit.hasAttribute('disabled')) auditSample();
    });
    run(accept, async () => {
      const r = await rpc.sendRequest('autoAccept', { maxError: this.target() });
      if (r.refused || !r.runId) return this.notify('error', r.refused ?? 'Nothing was accepted.');
      this.lastRun = r.runId;
      this.notify('info', `Auto-accepted ${r.accepted} image(s) (run ${r.runId}).`);
      await this.refresh();
    });
    run(undo, async () => {
      if (!this.lastRun) return;
      const r = await rpc.sendRequest('autoAcceptUndo', { runId: this.lastRun });
      if (r.refused) return this.notify('error', r.refused);
      this.notify('info', `Undid ${this.lastRun}: ${r.restored} restored${r.changed.length ? `; ${r.changed.length} changed since, kept` : ''}.`);
      this.lastRun = null;
      await this.refresh();
    });
    run(check, async () => {
      this.checked = await rpc.sendRequest('adapt', { apply: false });
      this.showLearn(this.checked);
    });
    run(apply, async () => {
      const r = await rpc.sendRequest('adapt', { apply: true });
      this.checked = null;
      this.showLearn(r);
    });
    run(probe, async () => {
      const r = await rpc.sendRequest('runProbe', { size: 20 });
      if (r.result) this.showProbe(r.result);
      else this.notify('error', r.refused ?? 'The probe did not run.');
    });
    this.buttons();
  }

  private target(): number {
    const v = Number(this.maxError.value);
    return v > 0 && v < 1 ? v : 0.02;
  }

  async refresh(): Promise<void> {
    try {
      this.show(await rpc.sendRequest('trustState', { maxError: this.target() }));
    } catch (e) {
      this.notify('error', problemOf(e).message);
    }
  }

  private buttons(): void {
    const set = (act: string, on: boolean) => this.el.querySelector(`[data-act="${act}"]`)?.toggleAttribute('disabled', !on);
    set('auto-accept', !!this.state?.certify?.certified);
    set('certify-audit', !!this.state?.certify?.pending.length);
    set('auto-accept-undo', !!this.lastRun);
    set('adapt-check', !!this.state?.labels.enough);
    set('adapt-apply', !!this.checked && this.checked.cv_accuracy !== null && this.checked.cv_accuracy > (this.checked.zero_shot_accuracy ?? 1));
  }

  private show(st: TrustActionsState): void {
    this.state = st;
    if (st.refused) this.notify('error', st.refused);
    const s = st.certify;
    if (!s) replace(this.certify, h('p', { class: 'muted' }, 'No certification sample yet: draw one, then judge each image in the Audit view (c right, w wrong; the evidence verdict is optional).'));
    else {
      replace(
        this.certify,
        h('p', { 'data-certified': String(s.certified), class: 'certify-status' }, s.certified ? `Certified: threshold ${s.threshold}, upper bound ${pct(s.upper_bound)} (${s.errors} wrong of ${s.sample_size}).` : `Not certified: ${s.stop_rule}`),
        h('p', { class: 'muted' }, `${s.classifier} ${s.checkpoint}: score ≥ ${s.threshold} covers ${pct(s.coverage)} of ${s.unreviewed} unreviewed images; audit needed: ${s.pending.length} pending; ${s.method}.`),
        curveSvg(s),
      );
    }
    const l = st.labels;
    replace(this.learn, h('p', { class: 'muted learn-labels' }, `${l.total} human labels (${Object.entries(l.per_category).map(([k, v]) => `${k} ${v}`).join(', ')}); needs ${l.min} per category.`));
    if (this.checked) this.showLearn(this.checked);
    this.buttons();
  }

  private showLearn(r: AdaptResult): void {
    const rows = r.refused
      ? [h('p', { class: 'learn-refused' }, r.refused)]
      : [
          h('p', { class: 'learn-accuracy', 'data-cv': String(r.cv_accuracy), 'data-zs': String(r.zero_shot_accuracy) }, `${r.folds}-fold cross-validated accuracy on ${r.labels} labels: adapter ${pct(r.cv_accuracy)}, zero-shot ${pct(r.zero_shot_accuracy)}.`),
          h('p', { class: 'muted' }, r.applied ? `Applied: ${r.rescored} unreviewed images re-scored as ${r.checkpoint}.` : 'Not applied yet.'),
        ];
    replace(this.learn, ...rows);
    this.buttons();
  }

  private showProbe(r: ProbeResult): void {
    replace(
      this.probe,
      h('p', { class: 'probe-result', 'data-ignored': String(r.descriptions_ignored) }, `${r.n} images: shuffled descriptions changed ${r.shuffled_changed.k}/${r.shuffled_changed.n} (${pct(r.shuffled_changed.rate)}), names only ${r.names_only_changed.k}/${r.names_only_changed.n}.`),
      h('p', {}, r.warning ?? 'The predictions follow the descriptions.'),
    );
  }
}
