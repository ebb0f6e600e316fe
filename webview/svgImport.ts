// Puts a chart from the host (SVG markup built by src/core/audit/charts.ts from escaped strings) into
// the page without innerHTML: parsed as image/svg+xml by DOMParser, checked to be one <svg>, stripped
// of anything active (scripts, foreign objects, event handlers, links), then imported as nodes.
import { h } from './dom';

const ALLOWED = new Set(['svg', 'title', 'desc', 'g', 'rect', 'line', 'text', 'tspan', 'path', 'circle', 'polyline', 'polygon']);

function clean(el: Element): boolean {
  if (!ALLOWED.has(el.localName) || el.namespaceURI !== 'http://www.w3.org/2000/svg') return false;
  for (const a of Array.from(el.attributes)) {
    const name = a.name.toLowerCase();
    if (name.startsWith('on') || name === 'href' || name === 'xlink:href' || name === 'style') el.removeAttribute(a.name);
  }
  for (const child of Array.from(el.children)) if (!clean(child)) child.remove();
  return true;
}

/** The chart as an element, or a text fallback when the markup is not a plain SVG. */
export function importSvg(markup: string, title: string): Element {
  const doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
  const root = doc.documentElement;
  if (doc.querySelector('parsererror') || !clean(root)) return h('p', { class: 'muted' }, `(chart "${title}" could not be shown)`);
  const svg = document.importNode(root, true) as unknown as SVGSVGElement;
  svg.setAttribute('aria-label', title);
  svg.classList.add('chart-svg');
  return svg;
}
