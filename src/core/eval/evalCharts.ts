// SVG charts of an evaluation, in the trust report's style (charts.ts): the reliability diagram
// (accuracy per confidence bin against the diagonal) and accuracy against coverage.
import { PALETTE, doc, n1, percent, type ChartOptions } from '../audit/charts';
import { escapeXml as x } from '../audit/escape';
import type { CoveragePoint, ReliabilityBin } from './metrics';

const W = 420;
const H = 300;
const L = 48;
const R = W - 16;
const T = 36;
const B = H - 40;
const sx = (v: number) => L + v * (R - L);
const sy = (v: number) => B - v * (B - T);

function axes(xLabel: string): string {
  let s = '';
  for (let t = 0; t <= 4; t++) {
    const v = t / 4;
    s += `<line x1="${L}" y1="${n1(sy(v))}" x2="${R}" y2="${n1(sy(v))}" stroke="currentColor" stroke-opacity="0.2"/>`;
    s += `<text x="${L - 6}" y="${n1(sy(v) + 4)}" text-anchor="end" font-size="11">${percent(v)}</text>`;
    s += `<text x="${n1(sx(v))}" y="${B + 16}" text-anchor="middle" font-size="11">${percent(v)}</text>`;
  }
  s += `<text x="${(L + R) / 2}" y="${H - 6}" text-anchor="middle" font-size="11" font-style="italic">${x(xLabel)}</text>`;
  return s + `<line x1="${L}" y1="${B}" x2="${R}" y2="${B}" stroke="currentColor"/>`;
}

export function reliabilityDiagram(title: string, bins: readonly ReliabilityBin[], o: ChartOptions = {}): string {
  let body = `<text x="8" y="18" font-size="13" font-weight="600">${x(title)}</text>` + axes('confidence (top-1 score) → accuracy ↑');
  body += `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="currentColor" stroke-dasharray="4 3" stroke-opacity="0.6"><title>perfect calibration</title></line>`;
  for (const b of bins) {
    if (!b.count || b.accuracy === null) continue;
    const tip = `${percent(b.lower)}–${percent(b.upper)}: ${b.count} images, accuracy ${percent(b.accuracy)}, mean confidence ${percent(b.confidence!)}`;
    body += `<g><title>${x(tip)}</title><rect x="${n1(sx(b.lower) + 1)}" y="${n1(sy(b.accuracy))}" width="${n1(sx(b.upper) - sx(b.lower) - 2)}" height="${n1(B - sy(b.accuracy))}" fill="${PALETTE.blue}" fill-opacity="0.8"/></g>`;
  }
  return doc(W, H, title, body, o);
}

export function coverageChart(title: string, points: readonly CoveragePoint[], o: ChartOptions = {}): string {
  let body = `<text x="8" y="18" font-size="13" font-weight="600">${x(title)}</text>` + axes('coverage (most confident share kept)');
  const path = points.map((p, i) => `${i ? 'L' : 'M'}${n1(sx(p.coverage))} ${n1(sy(p.accuracy))}`).join('');
  body += `<path d="${path}" fill="none" stroke="${PALETTE.orange}" stroke-width="2"/>`;
  for (const p of points) body += `<circle cx="${n1(sx(p.coverage))}" cy="${n1(sy(p.accuracy))}" r="3" fill="${PALETTE.orange}"><title>${x(`top ${percent(p.coverage)} (${p.n} images): accuracy ${percent(p.accuracy)}`)}</title></circle>`;
  return doc(W, H, title, body, o);
}
