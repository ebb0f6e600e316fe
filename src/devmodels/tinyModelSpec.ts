// The constants of the tiny colour model: its colour prototypes, logit scales and vocabulary.
// Embedding dimension k is the colour count: a colour word embeds to its one-hot, an image to a
// sharp softmax over its mean RGB's distances to the prototypes.

export type TinyKind = 'clip' | 'siglip';

/** The colour prototypes, in embedding order. RGB in 0..255. */
export const TINY_COLORS: readonly { name: string; rgb: readonly [number, number, number] }[] = [
  { name: 'red', rgb: [255, 0, 0] },
  { name: 'green', rgb: [0, 255, 0] },
  { name: 'blue', rgb: [0, 0, 255] },
  { name: 'yellow', rgb: [255, 255, 0] },
  { name: 'cyan', rgb: [0, 255, 255] },
  { name: 'magenta', rgb: [255, 0, 255] },
  { name: 'orange', rgb: [255, 128, 0] },
  { name: 'purple', rgb: [128, 0, 128] },
  { name: 'white', rgb: [255, 255, 255] },
  { name: 'black', rgb: [0, 0, 0] },
  { name: 'gray', rgb: [128, 128, 128] },
];

export const TINY_COLOR_NAMES: readonly string[] = TINY_COLORS.map((c) => c.name);

/** Extra words that embed like a colour ("grey" is "gray"). */
export const TINY_COLOR_ALIASES: Readonly<Record<string, string>> = { grey: 'gray' };

/** Embedding size of both towers (one dimension per colour). */
export const TINY_EMBED_DIM = TINY_COLORS.length;

/** CLIP: logits = 100 * cosine, applied inside the joint graph. */
export const TINY_CLIP_LOGIT_SCALE = 100;
/** SigLIP: logits = cosine * exp(logit_scale) + logit_bias; this is exp(logit_scale). siglip-base-patch16-224's own values, so logits land where a real SigLIP's do. */
export const TINY_SIGLIP_SCALE = 117.330765;
export const TINY_SIGLIP_BIAS = -12.932437;

/** Softmax temperature over negative squared RGB distances (RGB in 0..1); nearest rivals are 0.25 apart. */
export const TINY_VISION_SHARPNESS = 40;

/** Side of the square model input, in pixels. */
export const TINY_IMAGE_SIZE = 32;

/** Tokenizer model_max_length: the real checkpoints' values (CLIP 77, SigLIP pads to 64). */
export const TINY_MAX_LENGTH: Readonly<Record<TinyKind, number>> = { clip: 77, siglip: 64 };

export const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];
export const SIGLIP_MEAN = [0.5, 0.5, 0.5];
export const SIGLIP_STD = [0.5, 0.5, 0.5];

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;

/** Ordinary words the tokenizer knows; they (and unknown words) all embed to zero. */
const PLAIN_WORDS = [
  'a', 'an', 'the', 'photo', 'picture', 'image', 'of', 'this', 'is', 'that', 'it', 'in', 'on', 'with',
  'and', 'or', 'thing', 'object', 'colour', 'color', 'something', 'mostly', 'very', 'dark', 'light',
  'bright', 'cat', 'dog', 'car', 'bird', 'ant', 'ants', 'bee', 'bees', 'ship', 'truck', 'other', 'none',
  'nothing', 'unknown', '.', ',', ':', '-', "'", '!', '?', '##s',
];

/** token -> id. Specials first, then colours (in TINY_COLORS order), aliases, plain words. */
export function tinyVocab(): Map<string, number> {
  const vocab = new Map<string, number>();
  for (const t of [...SPECIAL_TOKENS, ...TINY_COLOR_NAMES, ...Object.keys(TINY_COLOR_ALIASES), ...PLAIN_WORDS]) {
    if (!vocab.has(t)) vocab.set(t, vocab.size);
  }
  return vocab;
}

/** The text embedding table [vocab, k]: colour words (and aliases) one-hot, everything else zero. */
export function tinyTokenEmbeddings(vocab: Map<string, number>): Float32Array {
  const k = TINY_EMBED_DIM;
  const table = new Float32Array(vocab.size * k);
  for (const [token, id] of vocab) {
    const colour = TINY_COLOR_ALIASES[token] ?? token;
    const c = TINY_COLOR_NAMES.indexOf(colour);
    if (c >= 0) table[id * k + c] = 1;
  }
  return table;
}

/** RGB of a colour name from TINY_COLORS, or of a '#rrggbb' string. */
export function colorRgb(color: string): [number, number, number] {
  const key = TINY_COLOR_ALIASES[color.toLowerCase()] ?? color.toLowerCase();
  const known = TINY_COLORS.find((c) => c.name === key);
  if (known) return [...known.rgb];
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (!m) throw new Error(`unknown colour '${color}': use one of ${TINY_COLOR_NAMES.join(', ')} or #rrggbb`);
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}
