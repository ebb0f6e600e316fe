// The grid's summaries on the wire when a panel opens: one array per image, keyless, with repeated
// strings (labels, statuses, checkpoints, the pending review's fingerprint) numbered once per message.
// A million summaries as objects are ~330 MB of JSON; packed, ~80 MB, sent in chunks. Pure: the host
// packs, the webview unpacks (through the protocol's re-export); unit tested for a lossless round trip.
import type { ImageSummary } from './imageSummary';

/** Images in a panel's `init`, then per packed `initMore` message. */
export const INIT_CHUNK = 20_000;
export const MORE_CHUNK = 50_000;

/** [id, name?, status, reviewLabels, predicted, classified, cardScore, rawScore, margin, confidence, fitsAny, route, inReviewQueue, error, checkpoint, effective, vlmDisagrees, rev]; strings as dictionary numbers (-1 = null), the name only when it is not the id's last part. */
export type PackedRow = (string | number | number[] | null)[];

export interface PackedSummaries {
  strings: string[];
  rows: PackedRow[];
}

const b = (x: boolean | null): number => (x === null ? -1 : x ? 1 : 0);
const unb = (x: number): boolean | null => (x === -1 ? null : x === 1);

export function packSummaries(list: readonly ImageSummary[]): PackedSummaries {
  const strings: string[] = [];
  const index = new Map<string, number>();
  const s = (x: string | null): number => {
    if (x === null) return -1;
    let i = index.get(x);
    if (i === undefined) index.set(x, (i = strings.push(x) - 1));
    return i;
  };
  const rows = list.map((m): PackedRow => [
    m.id,
    m.name === m.id.slice(m.id.lastIndexOf('/') + 1) ? null : m.name,
    s(m.status),
    m.reviewLabels.map(s),
    m.predicted.map(s),
    b(m.classified),
    m.cardScore,
    m.rawScore,
    m.margin,
    s(m.confidence),
    b(m.fitsAny),
    s(m.route),
    b(m.inReviewQueue),
    s(m.error),
    s(m.checkpoint),
    s(m.effective),
    b(m.vlmDisagrees),
    s(m.rev),
  ]);
  return { strings, rows };
}

export function unpackSummaries(p: PackedSummaries): ImageSummary[] {
  const str = p.strings;
  const s = <T extends string>(i: unknown): T | null => (i === -1 ? null : (str[i as number] as T));
  return p.rows.map((r) => {
    const id = r[0] as string;
    return {
      id,
      name: (r[1] as string | null) ?? id.slice(id.lastIndexOf('/') + 1),
      status: s(r[2])!,
      reviewLabels: (r[3] as number[]).map((i) => str[i]),
      predicted: (r[4] as number[]).map((i) => str[i]),
      classified: unb(r[5] as number)!,
      cardScore: r[6] as number | null,
      rawScore: r[7] as number | null,
      margin: r[8] as number | null,
      confidence: s(r[9]),
      fitsAny: unb(r[10] as number),
      route: s(r[11]),
      inReviewQueue: unb(r[12] as number)!,
      error: s(r[13]),
      checkpoint: s(r[14]),
      effective: s(r[15]),
      vlmDisagrees: unb(r[16] as number)!,
      rev: s(r[17])!,
    } as ImageSummary;
  });
}
