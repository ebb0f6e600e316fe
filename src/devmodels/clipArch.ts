// The dimensions of a CLIP checkpoint (read from its Hugging Face config.json) and its parameter
// count, computed from the transformers CLIPModel module structure.

export interface ClipVisionArch {
  width: number;
  layers: number;
  heads: number;
  mlp: number;
  patch: number;
  imageSize: number;
  channels: number;
  eps: number;
}

export interface ClipTextArch {
  vocab: number;
  positions: number;
  width: number;
  layers: number;
  heads: number;
  mlp: number;
  eps: number;
}

export interface ClipArch {
  vision: ClipVisionArch;
  text: ClipTextArch;
  projectionDim: number;
}

interface HfSubConfig {
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  layer_norm_eps?: number;
  hidden_act?: string;
  projection_dim?: number;
  [k: string]: unknown;
}

export interface HfClipConfig {
  model_type: string;
  projection_dim: number;
  text_config: HfSubConfig & { vocab_size: number; max_position_embeddings: number };
  vision_config: HfSubConfig & { patch_size: number; image_size: number; num_channels?: number };
  [k: string]: unknown;
}

export function clipArchFromConfig(cfg: HfClipConfig): ClipArch {
  if (cfg.model_type !== 'clip') throw new Error(`expected a CLIP config, got model_type '${cfg.model_type}'`);
  const t = cfg.text_config;
  const v = cfg.vision_config;
  for (const c of [t, v]) {
    if ((c.hidden_act ?? 'quick_gelu') !== 'quick_gelu') throw new Error(`unsupported hidden_act '${c.hidden_act}'`);
  }
  return {
    projectionDim: cfg.projection_dim,
    text: {
      vocab: t.vocab_size,
      positions: t.max_position_embeddings,
      width: t.hidden_size,
      layers: t.num_hidden_layers,
      heads: t.num_attention_heads,
      mlp: t.intermediate_size,
      eps: t.layer_norm_eps ?? 1e-5,
    },
    vision: {
      width: v.hidden_size,
      layers: v.num_hidden_layers,
      heads: v.num_attention_heads,
      mlp: v.intermediate_size,
      patch: v.patch_size,
      imageSize: v.image_size,
      channels: v.num_channels ?? 3,
      eps: v.layer_norm_eps ?? 1e-5,
    },
  };
}

/** Writes `arch` back into a config object (used when a reduced architecture is generated). */
export function applyArchToConfig(cfg: HfClipConfig, arch: ClipArch): HfClipConfig {
  const { text: t, vision: v } = arch;
  return {
    ...cfg,
    projection_dim: arch.projectionDim,
    text_config: {
      ...cfg.text_config,
      vocab_size: t.vocab,
      max_position_embeddings: t.positions,
      hidden_size: t.width,
      num_hidden_layers: t.layers,
      num_attention_heads: t.heads,
      intermediate_size: t.mlp,
      layer_norm_eps: t.eps,
      projection_dim: arch.projectionDim,
    },
    vision_config: {
      ...cfg.vision_config,
      hidden_size: v.width,
      num_hidden_layers: v.layers,
      num_attention_heads: v.heads,
      intermediate_size: v.mlp,
      patch_size: v.patch,
      image_size: v.imageSize,
      num_channels: v.channels,
      layer_norm_eps: v.eps,
      projection_dim: arch.projectionDim,
    },
  };
}

export function numPatches(v: ClipVisionArch): number {
  return (v.imageSize / v.patch) ** 2;
}

/** One pre-LN encoder layer: q/k/v/out projections with bias, two layer norms, fc1/fc2 with bias. */
function encoderLayerParams(width: number, mlp: number): number {
  const attention = 4 * (width * width + width);
  const norms = 2 * (2 * width);
  const ffn = width * mlp + mlp + mlp * width + width;
  return attention + norms + ffn;
}

export interface ClipParamCounts {
  /** vision_model (embeddings, pre/post layer norms, encoder) + visual_projection. */
  vision: number;
  /** text_model (embeddings, encoder, final layer norm) + text_projection. */
  text: number;
  logitScale: number;
  total: number;
}

/** Parameter count of transformers' CLIPModel for `arch` (openai/clip-vit-base-patch32: 151,277,313). */
export function clipParamCounts(arch: ClipArch): ClipParamCounts {
  const v = arch.vision;
  const t = arch.text;
  const vision =
    v.width + // class_embedding
    v.width * v.channels * v.patch * v.patch + // patch_embedding (Conv2d, no bias)
    (numPatches(v) + 1) * v.width + // position_embedding
    2 * v.width + // pre_layrnorm
    v.layers * encoderLayerParams(v.width, v.mlp) +
    2 * v.width + // post_layernorm
    v.width * arch.projectionDim; // visual_projection (no bias)
  const text =
    t.vocab * t.width + // token_embedding
    t.positions * t.width + // position_embedding
    t.layers * encoderLayerParams(t.width, t.mlp) +
    2 * t.width + // final_layer_norm
    t.width * arch.projectionDim; // text_projection (no bias)
  return { vision, text, logitScale: 1, total: vision + text + 1 };
}
