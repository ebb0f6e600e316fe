// ONNX graphs of the tiny colour model: text tower, vision tower and the joint model, for CLIP and
// SigLIP, in three stored variants (fp32, q8 with a uint8 embedding table, fp16 weights).
import { DT } from './onnxProto';
import { GraphBuilder } from './graphBuilder';
import { quantizeU8 } from './numeric';
import {
  CLIP_MEAN,
  CLIP_STD,
  SIGLIP_MEAN,
  SIGLIP_STD,
  TINY_CLIP_LOGIT_SCALE,
  TINY_COLORS,
  TINY_EMBED_DIM,
  TINY_SIGLIP_BIAS,
  TINY_SIGLIP_SCALE,
  TINY_VISION_SHARPNESS,
  type TinyKind,
  tinyTokenEmbeddings,
  tinyVocab,
} from './tinyModelSpec';

export type TinyVariant = 'fp32' | 'q8' | 'fp16';
export type TinyGraphPart = 'text' | 'vision' | 'joint';

const TEXT_DIMS = ['text_batch_size', 'sequence_length'];
const IMAGE_DIMS = ['image_batch_size', 3, 'height', 'width'];

/** Sum of token embeddings over the attention mask (CLIP) or over all tokens (SigLIP: pads embed to 0). */
function textTower(g: GraphBuilder, kind: TinyKind, variant: TinyVariant): string {
  const vocab = tinyVocab();
  const k = TINY_EMBED_DIM;
  const table = tinyTokenEmbeddings(vocab);
  const ids = g.input('input_ids', DT.INT64, TEXT_DIMS);
  let emb: string;
  if (variant === 'q8') {
    // What quantize_dynamic does to a Gather: gather uint8 rows, then dequantize them.
    const q = quantizeU8(table);
    const tq = g.init('token_embedding_quantized', DT.UINT8, [vocab.size, k], q.data);
    const scale = g.f32([], [q.scale], 'token_embedding_scale');
    const zp = g.init('token_embedding_zero_point', DT.UINT8, [], Uint8Array.of(q.zeroPoint));
    emb = g.op('DequantizeLinear', [g.op('Gather', [tq, ids]), scale, zp]);
  } else {
    emb = g.op('Gather', [g.f32([vocab.size, k], table, 'token_embedding'), ids]);
  }
  if (kind === 'clip') {
    const mask = g.input('attention_mask', DT.INT64, TEXT_DIMS);
    const m = g.op('Unsqueeze', [g.op('Cast', [mask], { to: DT.FLOAT }), g.i64([-1])]);
    emb = g.op('Mul', [emb, m]);
  }
  return g.op('ReduceSum', [emb, g.i64([1])], { keepdims: 0 });
}

/** Mean RGB (normalisation undone) -> softmax over negative squared distances to the prototypes. */
function visionTower(g: GraphBuilder, kind: TinyKind): string {
  const mean = kind === 'clip' ? CLIP_MEAN : SIGLIP_MEAN;
  const std = kind === 'clip' ? CLIP_STD : SIGLIP_STD;
  const px = g.input('pixel_values', DT.FLOAT, IMAGE_DIMS);
  const rgb01 = g.op('Add', [g.op('Mul', [px, g.f32([1, 3, 1, 1], std, 'pixel_std')]), g.f32([1, 3, 1, 1], mean, 'pixel_mean')]);
  const rgb = g.op('ReduceMean', [rgb01], { axes: [2, 3], keepdims: 0 }); // [B, 3]
  const protos = g.f32([TINY_EMBED_DIM, 3], TINY_COLORS.flatMap((c) => c.rgb.map((v) => v / 255)), 'color_prototypes');
  const diff = g.op('Sub', [g.op('Unsqueeze', [rgb, g.i64([1])]), protos]); // [B, k, 3]
  const d2 = g.op('ReduceSum', [g.op('Mul', [diff, diff]), g.i64([2])], { keepdims: 0 }); // [B, k]
  const logits = g.op('Mul', [d2, g.f32([], [-TINY_VISION_SHARPNESS], 'sharpness')]);
  return g.op('Softmax', [logits], { axis: -1 });
}

function l2normalize(g: GraphBuilder, x: string): string {
  const norm = g.op('Sqrt', [g.op('ReduceSum', [g.op('Mul', [x, x]), g.i64([1])], { keepdims: 1 })]);
  return g.op('Div', [x, g.op('Max', [norm, g.f32([], [1e-6])])]);
}

/** Builds one graph of the tiny model. */
export function buildTinyGraph(kind: TinyKind, part: TinyGraphPart, variant: TinyVariant): GraphBuilder {
  const g = new GraphBuilder(`tiny_${kind}_${part}`, { fp16Weights: variant === 'fp16' });
  const k = TINY_EMBED_DIM;
  const textOut = kind === 'clip' ? 'text_embeds' : 'pooler_output';
  const imageOut = kind === 'clip' ? 'image_embeds' : 'pooler_output';
  if (part === 'text') {
    g.output(textOut, textTower(g, kind, variant), DT.FLOAT, [TEXT_DIMS[0], k]);
    return g;
  }
  if (part === 'vision') {
    g.output(imageOut, visionTower(g, kind), DT.FLOAT, [IMAGE_DIMS[0], k]);
    return g;
  }
  const text = l2normalize(g, textTower(g, kind, variant));
  const image = l2normalize(g, visionTower(g, kind));
  const cosTI = g.op('MatMul', [text, g.op('Transpose', [image], { perm: [1, 0] })]); // [tb, ib]
  const scaleLog = Math.log(kind === 'clip' ? TINY_CLIP_LOGIT_SCALE : TINY_SIGLIP_SCALE);
  let perText = g.op('Mul', [cosTI, g.op('Exp', [g.f32([], [scaleLog], 'logit_scale')])]);
  if (kind === 'siglip') perText = g.op('Add', [perText, g.f32([], [TINY_SIGLIP_BIAS], 'logit_bias')]);
  const perImage = g.op('Transpose', [perText], { perm: [1, 0] });
  g.output('logits_per_image', perImage, DT.FLOAT, [IMAGE_DIMS[0], TEXT_DIMS[0]]);
  g.output('logits_per_text', perText, DT.FLOAT, [TEXT_DIMS[0], IMAGE_DIMS[0]]);
  g.output('text_embeds', text, DT.FLOAT, [TEXT_DIMS[0], k]);
  g.output('image_embeds', image, DT.FLOAT, [IMAGE_DIMS[0], k]);
  return g;
}
