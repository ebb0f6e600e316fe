// Image preprocessing for CLIP/SigLIP vision towers, driven by the model's preprocessor_config.json.
// CLIP: resize shortest edge → center crop → rescale → normalise. SigLIP: resize to H×W → normalise.
// Decoding is native and off the JS thread (the fast JPEG decoder, else sharp); downscaling is
// sharp's; upscaling a small image is Pillow's resampling in JS (pilResize.ts) on the kept window.
import { decodeJpegRgb } from '../../core/fastJpeg';
import { ImageDecodeError, describeDecodeError, imageInfo, openImage, openPixels } from '../../core/imageDecode';
import { pilResize, type PilFilter, type Window } from './pilResize';

export interface PreprocessSpec {
  /** Resize target: shortest edge, or exact height/width. */
  resize: { shortestEdge: number } | { height: number; width: number };
  crop?: { height: number; width: number };
  mean: [number, number, number];
  std: [number, number, number];
  rescale: number;
  kernel: 'nearest' | 'linear' | 'cubic' | 'lanczos3';
}

type Size = number | { shortest_edge?: number; height?: number; width?: number; longest_edge?: number };

function asHW(s: Size | undefined): { height: number; width: number } | undefined {
  if (s === undefined || s === null) return undefined;
  if (typeof s === 'number') return { height: s, width: s };
  if (s.height && s.width) return { height: s.height, width: s.width };
  if (s.shortest_edge) return { height: s.shortest_edge, width: s.shortest_edge };
  return undefined;
}

const KERNELS: Record<number, PreprocessSpec['kernel']> = { 0: 'nearest', 1: 'lanczos3', 2: 'linear', 3: 'cubic', 4: 'cubic', 5: 'cubic' };

/** Reads the parts of preprocessor_config.json that matter for CLIP-family models. */
export function specFromConfig(cfg: Record<string, unknown>, modelType: string): PreprocessSpec {
  const size = cfg.size as Size | undefined;
  const rescale = cfg.do_rescale === false ? 1 : typeof cfg.rescale_factor === 'number' ? cfg.rescale_factor : 1 / 255;
  const norm = cfg.do_normalize !== false;
  const mean = (norm ? (cfg.image_mean as number[]) : undefined) ?? (norm ? [0.5, 0.5, 0.5] : [0, 0, 0]);
  const std = (norm ? (cfg.image_std as number[]) : undefined) ?? (norm ? [0.5, 0.5, 0.5] : [1, 1, 1]);
  const kernel = KERNELS[typeof cfg.resample === 'number' ? cfg.resample : 3] ?? 'cubic';
  let resize: PreprocessSpec['resize'];
  if (typeof size === 'object' && size && size.shortest_edge) resize = { shortestEdge: size.shortest_edge };
  else if (typeof size === 'number' && modelType === 'clip') resize = { shortestEdge: size };
  else {
    const hw = asHW(size);
    if (!hw) throw new Error('preprocessor_config.json has no usable "size"');
    resize = hw;
  }
  const crop = cfg.do_center_crop ? asHW(cfg.crop_size as Size) ?? asHW(size) : undefined;
  return {
    resize,
    crop,
    mean: [mean[0], mean[1], mean[2]],
    std: [std[0], std[1], std[2]],
    rescale,
    kernel,
  };
}

export function outputSize(spec: PreprocessSpec): { height: number; width: number } {
  if (spec.crop) return spec.crop;
  if ('height' in spec.resize) return spec.resize;
  return { height: spec.resize.shortestEdge, width: spec.resize.shortestEdge };
}

/** Where an image of w×h ends up: the resized size and the window of it that is kept (the crop). */
interface ResizePlan {
  rw: number;
  rh: number;
  window?: Window;
}

function resizePlan(spec: PreprocessSpec, w: number, h: number): ResizePlan {
  const { height, width } = outputSize(spec);
  if (!('shortestEdge' in spec.resize)) return { rw: spec.resize.width, rh: spec.resize.height, window: spec.crop ? undefined : { left: 0, top: 0, width, height } };
  // As transformers.js does it: scale the shortest edge to s (sizes floored), then center-crop.
  const f = spec.resize.shortestEdge / Math.min(w, h);
  const rw = Math.max(1, Math.floor(Number((w * f).toFixed(2))));
  const rh = Math.max(1, Math.floor(Number((h * f).toFixed(2))));
  const fits = !spec.crop || (spec.crop.width <= rw && spec.crop.height <= rh);
  return { rw, rh, window: fits ? { left: Math.floor((rw - width) / 2), top: Math.floor((rh - height) / 2), width, height } : undefined };
}

const PIL_FILTERS: Partial<Record<PreprocessSpec['kernel'], PilFilter>> = { cubic: 'cubic', linear: 'linear' };

/**
 * Decodes and preprocesses one image into `out` (CHW float32) at `offset`.
 * Throws ImageDecodeError with a clear message for corrupt, truncated, unsupported or huge images.
 */
export async function preprocessInto(bytes: Buffer, spec: PreprocessSpec, out: Float32Array, offset: number): Promise<void> {
  const { height, width } = outputSize(spec);
  let data: Uint8Array;
  let channels = 3;
  try {
    const src = await imageInfo(bytes);
    const plan = resizePlan(spec, src.width, src.height);
    const filter = PIL_FILTERS[spec.kernel];
    // Large JPEGs stay with sharp, which decodes them already shrunk (DCT scaling); the rest may
    // take the fast decoder.
    const shrinkable = src.width >= 2 * plan.rw && src.height >= 2 * plan.rh;
    const fast = shrinkable ? undefined : await decodeJpegRgb(bytes, src);
    if (filter && plan.window && plan.rw >= src.width && plan.rh >= src.height) {
      // Upscaling (small images): decode only, then PIL's resampling of the kept window in JS.
      const px = fast ? { data: fast, info: { width: src.width, height: src.height, channels: 3 } } : await openImage(bytes, src).raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      // ~1 ms of JS per image: give the event loop a turn first, so a batch's decodes finishing
      // together do not run their resamples back to back in one task.
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Resampled straight into the model's planes, normalised on the way.
      pilResize(px.data, px.info.width, px.info.height, px.info.channels, plan.rw, plan.rh, filter, plan.window, undefined, { luts: channelLuts(spec), out, offset });
      return;
    } else {
      let img = (fast ? openPixels(fast, src.width, src.height, 3) : openImage(bytes, src)).resize(plan.rw, plan.rh, { fit: 'fill', kernel: spec.kernel });
      if (plan.window) {
        if (plan.window.width !== plan.rw || plan.window.height !== plan.rh) img = img.extract(plan.window);
      } else {
        img = img.resize(width, height, { fit: 'cover', position: 'centre', kernel: spec.kernel });
      }
      const raw = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
      data = raw.data;
      channels = raw.info.channels;
    }
  } catch (e) {
    if (e instanceof ImageDecodeError) throw e;
    throw new ImageDecodeError(describeDecodeError(e));
  }
  writeNormalised(data, channels, spec, out, offset, width * height);
}

/** Per channel, the normalised float for each byte value: (v * rescale - mean) / std. */
const luts = new WeakMap<PreprocessSpec, Float32Array[]>();
function channelLuts(spec: PreprocessSpec): Float32Array[] {
  let l = luts.get(spec);
  if (!l) {
    l = [0, 1, 2].map((c) => Float32Array.from({ length: 256 }, (_, v) => v * (spec.rescale / spec.std[c]) - spec.mean[c] / spec.std[c]));
    luts.set(spec, l);
  }
  return l;
}

function writeNormalised(hwc: Uint8Array, ch: number, spec: PreprocessSpec, out: Float32Array, offset: number, plane: number): void {
  if (hwc.length < plane * ch) throw new ImageDecodeError('decoded image has an unexpected size');
  const [l0, l1, l2] = channelLuts(spec);
  // One pass over the pixels, three planes written side by side.
  for (let i = 0, s = 0, b1 = offset + plane, b2 = offset + 2 * plane; i < plane; i++, s += ch) {
    out[offset + i] = l0[hwc[s]];
    out[b1 + i] = l1[hwc[s + 1]];
    out[b2 + i] = l2[hwc[s + 2]];
  }
}
