// Text → token ids for the text tower, without silently corrupting long prompts.
// transformers.js's `truncation: true` cuts the id array after the special tokens are added, so the
// end-of-text token falls off; CLIP pools at the EOS position and SigLIP at the last position, so the
// embedding of any over-long prompt would be wrong. Here a prompt over the model's limit keeps its
// first limit − 1 tokens and gets its end-of-text token back, and the caller learns how many were dropped.
// SigLIP prompts are normalised first, as SigLIP's tokenizer defines it (do_lower_case: lowercase,
// strip punctuation, collapse whitespace).

/** The part of a transformers.js tokenizer used here. */
export interface TokenizerLike {
  encode(text: string): number[];
  eos_token_id?: number | null;
  sep_token_id?: number | null;
  pad_token_id?: number | null;
  model_max_length?: number;
}

export interface TextBatch {
  /** Padded ids, one row per text (padding: to the longest for CLIP, to the limit for SigLIP). */
  ids: number[][];
  mask: number[][];
  /** Tokens each text had before any cut (special tokens included). */
  counts: number[];
  /** Tokens cut from each text (0 when it fit). */
  dropped: number[];
}

const ASCII_PUNCT = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;

/** SigLIP's canonical text: lowercase, ASCII punctuation removed, whitespace collapsed. */
export function siglipNormalise(text: string): string {
  return text.toLowerCase().replace(ASCII_PUNCT, '').replace(/\s+/g, ' ').trim();
}

/** The text tower's token limit: the model's own config first, then the tokenizer's. */
export function textTokenLimit(config: Record<string, unknown>, tokenizer: TokenizerLike, modelType: 'clip' | 'siglip'): number {
  const text = (config.text_config ?? {}) as Record<string, unknown>;
  const fromConfig = Number(text.max_position_embeddings ?? config.max_position_embeddings);
  if (Number.isInteger(fromConfig) && fromConfig > 1) return fromConfig;
  const fromTokenizer = tokenizer.model_max_length;
  if (fromTokenizer && Number.isInteger(fromTokenizer) && fromTokenizer > 1 && fromTokenizer < 1e6) return fromTokenizer;
  return modelType === 'clip' ? 77 : 64;
}

/** Ids of one text, cut to `limit` with its end-of-text token kept. */
export function encodeWithLimit(tok: TokenizerLike, text: string, limit: number): { ids: number[]; count: number; dropped: number } {
  const ids = tok.encode(text);
  if (ids.length <= limit) return { ids, count: ids.length, dropped: 0 };
  const last = ids[ids.length - 1];
  const isEnd = last === tok.eos_token_id || last === tok.sep_token_id;
  const kept = isEnd ? [...ids.slice(0, limit - 1), last] : ids.slice(0, limit);
  return { ids: kept, count: ids.length, dropped: ids.length - limit };
}

/** Tokenises a batch as the model's text tower expects it. */
export function tokenizeBatch(tok: TokenizerLike, texts: string[], limit: number, modelType: 'clip' | 'siglip'): TextBatch {
  const enc = texts.map((t) => encodeWithLimit(tok, modelType === 'siglip' ? siglipNormalise(t) : t, limit));
  // SigLIP pools the last position, so it is always padded to the full length (as transformers.js does).
  const width = modelType === 'siglip' ? limit : Math.max(...enc.map((e) => e.ids.length));
  const pad = tok.pad_token_id ?? tok.eos_token_id ?? 0;
  return {
    ids: enc.map((e) => [...e.ids, ...new Array<number>(width - e.ids.length).fill(pad)]),
    mask: enc.map((e) => [...new Array<number>(e.ids.length).fill(1), ...new Array<number>(width - e.ids.length).fill(0)]),
    counts: enc.map((e) => e.count),
    dropped: enc.map((e) => e.dropped),
  };
}

/** The warning for one over-long prompt: category, template and what was dropped. */
export function longPromptWarning(category: string, template: string, count: number, limit: number): string {
  const cut = count - limit;
  return `Category "${category}", template "${template}": the prompt is ${count} tokens, over the model's limit of ${limit}; the last ${cut} token${cut === 1 ? '' : 's'} before the end-of-text token were dropped. Shorten the description to keep its end.`;
}
