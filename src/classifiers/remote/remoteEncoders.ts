// The text and vision towers on an Open Inference Protocol server (--encoder-url): the same ONNX files
// as the local model, served under their file names (text_model, vision_model; with the dtype's
// suffix: text_model_quantized, vision_model_fp16, …). Checked once at load (ready, both models'
// metadata: inputs we can feed, the embedding output, the image size); every answer's shape is checked.
import { EncoderServerError, OpenInferenceClient, displayUrl, type OipModelMetadata, type OpenInferenceOptions } from './openInference';

/** Rows per request: well under a served model's max_batch_size (64 in the README's config.pbtxt). */
export const REMOTE_MAX_BATCH = 32;

const SUFFIX: Record<string, string> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

export function remoteModelNames(dtype: string): { text: string; vision: string } {
  const s = SUFFIX[dtype] ?? `_${dtype}`;
  return { text: `text_model${s}`, vision: `vision_model${s}` };
}

export interface RemoteEncoders {
  /** `remote:<url>`, recorded as the prediction's device. */
  device: `remote:${string}`;
  encodeText(ids: number[][], mask: number[][]): Promise<Float32Array[]>;
  encodeImages(pixels: Float32Array, n: number, h: number, w: number): Promise<Float32Array[]>;
}

export interface RemoteEncoderSpec {
  url: string;
  dtype: string;
  /** The output the local loader reads: text_embeds / image_embeds (CLIP), pooler_output (SigLIP). */
  textOutput: string;
  visionOutput: string;
  height: number;
  width: number;
  client?: OpenInferenceOptions;
}

function need(meta: OipModelMetadata, output: string, url: string): void {
  if (!meta.outputs.some((o) => o.name === output)) {
    throw new EncoderServerError(`Encoder model "${meta.name}" at ${url} has no output "${output}" (it has: ${meta.outputs.map((o) => o.name).join(', ')}): serve the checkpoint's own onnx/${meta.name}.onnx`);
  }
}

export async function connectEncoders(spec: RemoteEncoderSpec): Promise<RemoteEncoders> {
  const client = new OpenInferenceClient(spec.url, spec.client);
  const url = displayUrl(spec.url);
  const names = remoteModelNames(spec.dtype);
  await client.ready();
  const [tm, vm] = await Promise.all([client.metadata(names.text), client.metadata(names.vision)]);
  need(tm, spec.textOutput, url);
  need(vm, spec.visionOutput, url);
  const textInputs = tm.inputs.map((i) => i.name);
  const unknown = textInputs.filter((n) => n !== 'input_ids' && n !== 'attention_mask');
  if (!textInputs.includes('input_ids') || unknown.length) {
    throw new EncoderServerError(`Encoder model "${names.text}" at ${url} takes ${textInputs.join(', ')}; a CLIP/SigLIP text tower takes input_ids (and attention_mask)`);
  }
  if (vm.inputs.length !== 1) throw new EncoderServerError(`Encoder model "${names.vision}" at ${url} takes ${vm.inputs.length} inputs; a vision tower takes one (pixel_values)`);
  const pixelInput = vm.inputs[0];
  // With max_batch_size > 0 Triton reports the shape without the batch dimension; KServe with it.
  const dims = pixelInput.shape.length === 4 ? pixelInput.shape.slice(1) : pixelInput.shape;
  const want = [3, spec.height, spec.width];
  if (dims.length !== 3 || dims.some((d, i) => d > 0 && d !== want[i])) {
    throw new EncoderServerError(`Encoder model "${names.vision}" at ${url} takes pixel_values of shape [${pixelInput.shape}], but this checkpoint's preprocessing makes [n, ${want}]: is the server serving a different checkpoint?`);
  }
  let textDim: number | undefined;
  let visionDim: number | undefined;
  const rows = (model: string, out: { shape: number[]; data: Float32Array }, n: number, other: number | undefined): Float32Array[] => {
    const [rn, d] = out.shape;
    if (out.shape.length !== 2 || rn !== n || !(d > 0)) throw new EncoderServerError(`Encoder model "${model}" at ${url} answered shape [${out.shape}] for ${n} inputs; expected [${n}, embedding size]`);
    if (other !== undefined && other !== d) throw new EncoderServerError(`Encoder models at ${url}: text embeddings have ${model === names.text ? d : other} values, image embeddings ${model === names.text ? other : d}; both towers must come from one checkpoint`);
    return Array.from({ length: n }, (_, i) => out.data.slice(i * d, (i + 1) * d));
  };
  return {
    device: `remote:${url}`,
    async encodeText(ids, mask) {
      const out: Float32Array[] = [];
      for (let s = 0; s < ids.length; s += REMOTE_MAX_BATCH) {
        const bi = ids.slice(s, s + REMOTE_MAX_BATCH);
        const bm = mask.slice(s, s + REMOTE_MAX_BATCH);
        const shape = [bi.length, bi[0]?.length ?? 0];
        const inputs = [{ name: 'input_ids', datatype: 'INT64' as const, shape, data: BigInt64Array.from(bi.flat(), BigInt) }];
        if (textInputs.includes('attention_mask')) inputs.push({ name: 'attention_mask', datatype: 'INT64', shape, data: BigInt64Array.from(bm.flat(), BigInt) });
        const r = await client.infer(names.text, inputs, [spec.textOutput]);
        const got = rows(names.text, r[spec.textOutput], bi.length, visionDim);
        textDim = got[0]?.length ?? textDim;
        out.push(...got);
      }
      return out;
    },
    async encodeImages(pixels, n, h, w) {
      const out: Float32Array[] = [];
      const per = 3 * h * w;
      for (let s = 0; s < n; s += REMOTE_MAX_BATCH) {
        const k = Math.min(REMOTE_MAX_BATCH, n - s);
        const data = pixels.subarray(s * per, (s + k) * per);
        const r = await client.infer(names.vision, [{ name: pixelInput.name, datatype: 'FP32', shape: [k, 3, h, w], data }], [spec.visionOutput]);
        const got = rows(names.vision, r[spec.visionOutput], k, textDim);
        visionDim = got[0]?.length ?? visionDim;
        out.push(...got);
      }
      return out;
    },
  };
}
