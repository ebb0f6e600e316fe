// ONNX graphs with exactly the architecture of transformers' CLIPModel (ViT vision tower, causal
// text transformer, projections, logit scale), with the input/output names of the
// Xenova/clip-vit-base-patch32 export. q8 graphs are what onnxruntime's quantize_dynamic makes:
// uint8 weights, DynamicQuantizeLinear + MatMulInteger/ConvInteger + scale multiply, uint8 Gather.
import { DT } from './onnxProto';
import { GraphBuilder } from './graphBuilder';
import { type ClipArch, numPatches } from './clipArch';
import { type WeightInit, WeightStore } from './clipWeights';

export type ClipGraphPart = 'text' | 'vision' | 'joint';
export type ClipVariant = 'fp32' | 'q8';

const TEXT_DIMS = ['text_batch_size', 'sequence_length'];
const IMAGE_BATCH = 'image_batch_size';
const STD = 0.02;
/** Additive attention mask value (finite, so a fully masked sum stays finite). */
const MASKED = -1e9;
/** exp(logit_scale) of the trained checkpoint: 100. */
const LOGIT_SCALE = Math.log(100);

class ClipGraphContext {
  /** Parameter tensors used by this graph: HF name -> element count. */
  readonly params = new Map<string, number>();
  private readonly quantizedActs = new Map<string, string[]>();

  constructor(
    readonly g: GraphBuilder,
    private readonly w: WeightStore,
    readonly q8: boolean,
  ) {}

  /** A float32 parameter initializer. */
  param(name: string, dims: readonly number[], init: WeightInit): string {
    this.params.set(name, dims.reduce((a, b) => a * b, 1));
    return this.g.init(name, DT.FLOAT, dims, this.w.get(name, dims, init));
  }

  /** A uint8-quantised parameter: [quantized, scale, zero point] initializer names. */
  private qparam(name: string, dims: readonly number[], init: WeightInit): string[] {
    this.params.set(name, dims.reduce((a, b) => a * b, 1));
    this.w.get(name, dims, init);
    const q = this.w.quantized(name);
    return [
      this.g.init(`${name}_quantized`, DT.UINT8, dims, q.data),
      this.g.f32([], [q.scale], `${name}_scale`),
      this.g.init(`${name}_zero_point`, DT.UINT8, [], Uint8Array.of(q.zeroPoint)),
    ];
  }

  /** DynamicQuantizeLinear of an activation, shared by all its consumers (as quantize_dynamic does). */
  private quantizeAct(x: string): string[] {
    let q = this.quantizedActs.get(x);
    if (!q) {
      q = this.g.opN('DynamicQuantizeLinear', [x], 3);
      this.quantizedActs.set(x, q);
    }
    return q;
  }

  /** y = x W (+ b), W stored [in, out] as the ONNX export does. */
  linear(x: string, name: string, inDim: number, outDim: number, bias: boolean): string {
    const wName = `${name}.weight`;
    let y: string;
    if (this.q8) {
      const [wq, ws, wzp] = this.qparam(wName, [inDim, outDim], { normal: STD });
      const [xq, xs, xzp] = this.quantizeAct(x);
      const yi = this.g.op('MatMulInteger', [xq, wq, xzp, wzp]);
      y = this.g.op('Mul', [this.g.op('Cast', [yi], { to: DT.FLOAT }), this.g.op('Mul', [xs, ws])]);
    } else {
      y = this.g.op('MatMul', [x, this.param(wName, [inDim, outDim], { normal: STD })]);
    }
    return bias ? this.g.op('Add', [y, this.param(`${name}.bias`, [outDim], 'zeros')]) : y;
  }

  /** Rows of an embedding table (uint8 Gather + DequantizeLinear when quantised). */
  embed(ids: string, name: string, rows: number, width: number): string {
    if (!this.q8) return this.g.op('Gather', [this.param(name, [rows, width], { normal: STD }), ids]);
    const [tq, ts, tzp] = this.qparam(name, [rows, width], { normal: STD });
    return this.g.op('DequantizeLinear', [this.g.op('Gather', [tq, ids]), ts, tzp]);
  }

  /** Conv2d without bias, kernel = stride = `patch`. */
  patchConv(px: string, name: string, outCh: number, inCh: number, patch: number): string {
    const dims = [outCh, inCh, patch, patch];
    const attrs = { kernel_shape: [patch, patch], strides: [patch, patch] };
    if (!this.q8) return this.g.op('Conv', [px, this.param(name, dims, { normal: STD })], attrs);
    const [wq, ws, wzp] = this.qparam(name, dims, { normal: STD });
    const [xq, xs, xzp] = this.quantizeAct(px);
    const yi = this.g.op('ConvInteger', [xq, wq, xzp, wzp], attrs);
    return this.g.op('Mul', [this.g.op('Cast', [yi], { to: DT.FLOAT }), this.g.op('Mul', [xs, ws])]);
  }

  layerNorm(x: string, name: string, width: number, eps: number): string {
    const scale = this.param(`${name}.weight`, [width], 'ones');
    const bias = this.param(`${name}.bias`, [width], 'zeros');
    return this.g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: eps });
  }
}

interface LayerDims {
  width: number;
  heads: number;
  mlp: number;
  eps: number;
}

/** Multi-head self-attention on [B, S, D]; `mask` is additive, broadcastable to [B, H, S, S]. */
function attention(c: ClipGraphContext, x: string, p: string, d: LayerDims, mask?: string): string {
  const { g } = c;
  const dh = d.width / d.heads;
  const split = g.i64([0, -1, d.heads, dh]);
  const heads = (t: string, perm: number[]) => g.op('Transpose', [g.op('Reshape', [t, split])], { perm });
  const q = g.op('Mul', [c.linear(x, `${p}.q_proj`, d.width, d.width, true), g.f32([], [dh ** -0.5])]);
  const k = c.linear(x, `${p}.k_proj`, d.width, d.width, true);
  const v = c.linear(x, `${p}.v_proj`, d.width, d.width, true);
  let scores = g.op('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])]); // [B, H, S, S]
  if (mask) scores = g.op('Add', [scores, mask]);
  const ctx = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), heads(v, [0, 2, 1, 3])]);
  const merged = g.op('Reshape', [g.op('Transpose', [ctx], { perm: [0, 2, 1, 3] }), g.i64([0, -1, d.width])]);
  return c.linear(merged, `${p}.out_proj`, d.width, d.width, true);
}

/** CLIPEncoderLayer: pre-LN attention and quick_gelu MLP, each with a residual. */
function encoderLayer(c: ClipGraphContext, x: string, p: string, d: LayerDims, mask?: string): string {
  const { g } = c;
  const h = g.op('Add', [x, attention(c, c.layerNorm(x, `${p}.layer_norm1`, d.width, d.eps), `${p}.self_attn`, d, mask)]);
  const a = c.linear(c.layerNorm(h, `${p}.layer_norm2`, d.width, d.eps), `${p}.mlp.fc1`, d.width, d.mlp, true);
  const act = g.op('Mul', [a, g.op('Sigmoid', [g.op('Mul', [a, g.f32([], [1.702])])])]); // quick_gelu
  return g.op('Add', [h, c.linear(act, `${p}.mlp.fc2`, d.mlp, d.width, true)]);
}

/** CLIPTextTransformer + text_projection: returns [text_embeds, last_hidden_state]. */
function textTower(c: ClipGraphContext, arch: ClipArch): [string, string] {
  const { g } = c;
  const t = arch.text;
  const ids = g.input('input_ids', DT.INT64, TEXT_DIMS);
  const mask = g.input('attention_mask', DT.INT64, TEXT_DIMS);
  const seqLen = g.op('Shape', [ids], { start: 1, end: 2 }); // [1]
  const zero = g.i64([0]);
  const pos = g.op('Slice', [c.param('text_model.embeddings.position_embedding.weight', [t.positions, t.width], { normal: 0.01 }), zero, seqLen, zero]);
  let x = g.op('Add', [c.embed(ids, 'text_model.embeddings.token_embedding.weight', t.vocab, t.width), pos]);
  const causalFull = new Float32Array(t.positions * t.positions);
  for (let i = 0; i < t.positions; i++) for (let j = i + 1; j < t.positions; j++) causalFull[i * t.positions + j] = MASKED;
  const square = g.op('Concat', [seqLen, seqLen], { axis: 0 });
  const causal = g.op('Slice', [g.f32([t.positions, t.positions], causalFull), g.i64([0, 0]), square, g.i64([0, 1])]);
  const keep = g.op('Cast', [mask], { to: DT.FLOAT });
  const pad = g.op('Mul', [g.op('Sub', [g.f32([], [1]), keep]), g.f32([], [MASKED])]);
  const fullMask = g.op('Add', [causal, g.op('Unsqueeze', [pad, g.i64([1, 2])])]); // [B, 1, S, S]
  const dims = { width: t.width, heads: t.heads, mlp: t.mlp, eps: t.eps };
  for (let l = 0; l < t.layers; l++) x = encoderLayer(c, x, `text_model.encoder.layers.${l}`, dims, fullMask);
  const last = c.layerNorm(x, 'text_model.final_layer_norm', t.width, t.eps);
  // Pool at the end-of-text token: the argmax of input_ids (its id is the largest in the vocabulary).
  const eos = g.op('ArgMax', [ids], { axis: -1, keepdims: 1 }); // [B, 1]
  const pooled = g.op('GatherND', [last, eos], { batch_dims: 1 }); // [B, D]
  return [c.linear(pooled, 'text_projection', t.width, arch.projectionDim, false), last];
}

/** CLIPVisionTransformer + visual_projection: returns [image_embeds, last_hidden_state]. */
function visionTower(c: ClipGraphContext, arch: ClipArch): [string, string] {
  const { g } = c;
  const v = arch.vision;
  const n = numPatches(v);
  const px = g.input('pixel_values', DT.FLOAT, [IMAGE_BATCH, v.channels, v.imageSize, v.imageSize]);
  const patches = c.patchConv(px, 'vision_model.embeddings.patch_embedding.weight', v.width, v.channels, v.patch);
  const seq = g.op('Transpose', [g.op('Reshape', [patches, g.i64([0, v.width, -1])])], { perm: [0, 2, 1] }); // [B, N, D]
  const withSlot = g.op('Pad', [seq, g.i64([0, 1, 0, 0, 0, 0])]); // a zero row in front for the class token
  const cls = g.op('Unsqueeze', [c.param('vision_model.embeddings.class_embedding', [v.width], { normal: STD }), g.i64([0])]);
  const clsRow = g.op('Pad', [cls, g.i64([0, 0, n, 0])]); // [N + 1, D], class embedding in row 0
  const pos = c.param('vision_model.embeddings.position_embedding.weight', [n + 1, v.width], { normal: STD });
  let x = g.op('Add', [g.op('Add', [withSlot, clsRow]), pos]);
  x = c.layerNorm(x, 'vision_model.pre_layrnorm', v.width, v.eps);
  const dims = { width: v.width, heads: v.heads, mlp: v.mlp, eps: v.eps };
  for (let l = 0; l < v.layers; l++) x = encoderLayer(c, x, `vision_model.encoder.layers.${l}`, dims);
  const first = g.op('Gather', [x, g.i64([0], [])], { axis: 1 }); // [B, D]
  const pooled = c.layerNorm(first, 'vision_model.post_layernorm', v.width, v.eps);
  return [c.linear(pooled, 'visual_projection', v.width, arch.projectionDim, false), x];
}

function l2normalize(g: GraphBuilder, x: string): string {
  return g.op('Div', [x, g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.i64([-1])], { keepdims: 1 })])]);
}

export interface ClipGraph {
  graph: GraphBuilder;
  /** Parameter tensors in the graph (HF names) and their element counts. */
  params: Map<string, number>;
}

/** Builds one ONNX file's graph: the text tower, the vision tower or the joint CLIPModel. */
export function buildClipGraph(arch: ClipArch, part: ClipGraphPart, variant: ClipVariant, weights: WeightStore): ClipGraph {
  const g = new GraphBuilder(`clip_${part}_${variant}`);
  const c = new ClipGraphContext(g, weights, variant === 'q8');
  const p = arch.projectionDim;
  const v = arch.vision;
  const seqDims = (batch: string, s: number | string, w: number) => [batch, s, w];
  if (part === 'text' || part === 'joint') {
    const [embeds, last] = textTower(c, arch);
    if (part === 'text') {
      g.output('text_embeds', embeds, DT.FLOAT, [TEXT_DIMS[0], p]);
      g.output('last_hidden_state', last, DT.FLOAT, seqDims(TEXT_DIMS[0], TEXT_DIMS[1], arch.text.width));
      return { graph: g, params: c.params };
    }
    const [image] = visionTower(c, arch);
    const textN = l2normalize(g, embeds);
    const imageN = l2normalize(g, image);
    const scale = g.op('Exp', [c.param('logit_scale', [], { constant: LOGIT_SCALE })]);
    const perText = g.op('Mul', [g.op('MatMul', [textN, g.op('Transpose', [imageN], { perm: [1, 0] })]), scale]);
    g.output('logits_per_image', g.op('Transpose', [perText], { perm: [1, 0] }), DT.FLOAT, [IMAGE_BATCH, TEXT_DIMS[0]]);
    g.output('logits_per_text', perText, DT.FLOAT, [TEXT_DIMS[0], IMAGE_BATCH]);
    g.output('text_embeds', textN, DT.FLOAT, [TEXT_DIMS[0], p]);
    g.output('image_embeds', imageN, DT.FLOAT, [IMAGE_BATCH, p]);
    return { graph: g, params: c.params };
  }
  const [embeds, last] = visionTower(c, arch);
  g.output('image_embeds', embeds, DT.FLOAT, [IMAGE_BATCH, p]);
  g.output('last_hidden_state', last, DT.FLOAT, seqDims(IMAGE_BATCH, numPatches(v) + 1, v.width));
  return { graph: g, params: c.params };
}
