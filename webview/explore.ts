// The search results and the live re-scoring preview as the grid sees them: narrowing the filtered
// images (a search is a filter: its matches, best first; a preview can show only its changes) and the
// sentences the bar shows. Pure: unit tested.
import type { ImageSummary } from '../src/shared/protocol';
import type { LabelChange, RescorePreview, SearchQuery, SearchResult } from '../src/shared/exploreData';

export interface SearchState {
  query: SearchQuery;
  /** The result, or null while the host works on it. */
  result: SearchResult | null;
  /** Image id → rank (0 = best) of the result. */
  ranks: Map<string, number> | null;
  error?: string;
}

export interface PreviewState {
  preview: RescorePreview;
  byId: Map<string, LabelChange>;
  /** Show only the images whose label would change. */
  onlyChanges: boolean;
  applying: boolean;
}

export function searchState(query: SearchQuery, result: SearchResult | null = null): SearchState {
  return { query, result, ranks: result ? new Map(result.results.map((r, i) => [r.id, i])) : null };
}

export function previewState(preview: RescorePreview, onlyChanges = true): PreviewState {
  return { preview, byId: new Map(preview.changes.map((c) => [c.id, c])), onlyChanges, applying: false };
}

/**
 * The grid's list under a search (its matches among `list`, best first; none while it runs) and a
 * preview showing only its changes.
 */
export function narrow(list: ImageSummary[], search: SearchState | null, preview: PreviewState | null): ImageSummary[] {
  let out = list;
  if (preview?.onlyChanges) out = out.filter((i) => preview.byId.has(i.id));
  if (search) {
    const ranks = search.ranks ?? new Map<string, number>();
    out = out.filter((i) => ranks.has(i.id)).sort((a, b) => ranks.get(a.id)! - ranks.get(b.id)!);
  }
  return out;
}

const plural = (n: number, one: string, many = one + 's') => `${n} ${n === 1 ? one : many}`;

/** What the search bar says about the search. */
export function searchSummary(s: SearchState, nameOf: (id: string) => string = (id) => id): string {
  const what = 'text' in s.query ? `“${s.query.text}”` : `images like ${nameOf(s.query.like)}`;
  if (s.error) return `Search for ${what} failed: ${s.error}`;
  const r = s.result;
  if (!r) return `Searching for ${what}…`;
  if (r.refused) return r.refused;
  const missing = r.missingCount
    ? ` ${plural(r.missingCount, 'image')} not searched (no cached embedding: classify ${r.missingCount === 1 ? 'it' : 'them'} first)${r.missing.length ? `: ${r.missing.slice(0, 3).join(', ')}${r.missingCount > 3 ? ', …' : ''}` : ''}.`
    : '';
  return `Top ${r.results.length} of ${plural(r.searched, 'image')} for ${what}, most similar first (cosine, ${r.checkpoint}).${missing} Esc clears.`;
}

/** The preview's headline: "312 images would change label". */
export function previewHeadline(p: RescorePreview): string {
  const n = p.changes.length;
  return `${n} ${n === 1 ? 'image' : 'images'} would change label`;
}

export function previewDetails(p: RescorePreview): string {
  const what = p.edit ? `with the description of “${p.edit.name}” edited` : 'with categories.json as saved';
  const missing = p.missing ? `; ${plural(p.missing, 'image')} not re-scored (no cached embedding)` : '';
  return `Re-scored ${plural(p.rescored, 'image')} ${what} in ${p.ms} ms (${p.checkpoint})${missing}. Nothing is written until you apply.`;
}

/** "red → green" for a card. */
export function changeText(c: LabelChange): string {
  const side = (l: string[]) => (l.length ? l.join(', ') : 'nothing fits');
  return `${side(c.before)} → ${side(c.after)}`;
}
