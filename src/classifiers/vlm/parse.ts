// Finds the JSON object in a VLM's raw answer: the whole answer, a ```json fence, or the balanced
// outermost object inside prose. Strict JSON only: nothing is guessed or patched here; an answer with
// no parseable object goes to the one repair request instead.

/** Answers longer than this are not scanned (a card is a few KB at most). */
export const MAX_ANSWER_CHARS = 200_000;

/** At most this many opening braces are tried as the start of an object. */
const MAX_CANDIDATES = 200;

export type JsonSource = 'plain' | 'fenced' | 'embedded';
export type ExtractResult = { ok: true; value: Record<string, unknown>; source: JsonSource } | { ok: false; error: string };

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
/** A candidate that has a card key wins over some other object in the prose. */
const looksLikeCard = (v: Record<string, unknown>) => 'category_scores' in v || 'predicted_categories' in v;

function tryParse(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The end index (exclusive) of the balanced {...} starting at `start`, or -1 if it never closes. */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/** Every outermost balanced object that parses, in order of appearance. */
function embeddedObjects(text: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  let i = text.indexOf('{');
  // Bounded: pathological nesting must not make this quadratic in a long answer.
  for (let tries = 0; i !== -1 && tries < MAX_CANDIDATES; tries++) {
    const end = balancedEnd(text, i);
    if (end === -1) break; // unclosed: nothing after this brace can close either
    const v = tryParse(text.slice(i, end));
    if (v) {
      found.push(v);
      i = text.indexOf('{', end);
    } else {
      i = text.indexOf('{', i + 1);
    }
  }
  return found;
}

function pick(candidates: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return candidates.find(looksLikeCard) ?? candidates[0];
}

/** Extracts the card object from a raw answer. Never throws. */
export function extractJson(raw: string): ExtractResult {
  if (typeof raw !== 'string') return { ok: false, error: 'the answer is not text' };
  if (raw.length > MAX_ANSWER_CHARS) return { ok: false, error: `the answer is ${raw.length} characters, over the ${MAX_ANSWER_CHARS} limit` };
  // Reasoning models may think aloud first; drafts in there are not the answer.
  const text = raw.replace(/^\uFEFF/, '').replace(/<think>[\s\S]*?<\/think>/gi, '').trim();
  if (!text) return { ok: false, error: 'the answer is empty' };

  const whole = tryParse(text);
  if (whole) return { ok: true, value: whole, source: 'plain' };

  const fenced: Record<string, unknown>[] = [];
  for (const m of text.matchAll(/```[ \t]*(?:json5?|jsonc|javascript|js)?[ \t]*\r?\n?([\s\S]*?)```/gi)) {
    const body = m[1].trim();
    const v = tryParse(body) ?? pick(embeddedObjects(body));
    if (v) fenced.push(v);
  }
  const fromFence = pick(fenced);
  if (fromFence) return { ok: true, value: fromFence, source: 'fenced' };

  const embedded = pick(embeddedObjects(text));
  if (embedded) return { ok: true, value: embedded, source: 'embedded' };

  if (!text.includes('{')) return { ok: false, error: 'the answer contains no JSON object' };
  if (balancedEnd(text, text.indexOf('{')) === -1) return { ok: false, error: 'the JSON object in the answer is incomplete (truncated?)' };
  return { ok: false, error: 'the answer contains no valid JSON object' };
}
