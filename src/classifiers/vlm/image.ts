// Re-encodes an image for a VLM request: decoded safely by the core's sharp pipeline (pixel limit,
// EXIF orientation, sRGB, alpha flattened, first frame), downscaled to a maximum side, sent as JPEG.
import { describeDecodeError, openImage } from '../../core/imageDecode';
import type { VlmImage } from './backend';

export const DEFAULT_MAX_IMAGE_SIDE = 1024;
export const JPEG_QUALITY = 85;

export class ImagePrepareError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImagePrepareError';
  }
}

export interface PreparedImage extends VlmImage {
  width: number;
  height: number;
  bytes: number;
}

export async function prepareImage(bytes: Buffer, maxSide = DEFAULT_MAX_IMAGE_SIDE): Promise<PreparedImage> {
  if (!Number.isInteger(maxSide) || maxSide < 16) throw new RangeError(`maximum image side must be a whole number ≥ 16 (got ${maxSide})`);
  try {
    const { data, info } = await openImage(bytes)
      .resize({ width: maxSide, height: maxSide, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: JPEG_QUALITY })
      .toBuffer({ resolveWithObject: true });
    return { mime: 'image/jpeg', base64: data.toString('base64'), width: info.width, height: info.height, bytes: data.length };
  } catch (e) {
    throw new ImagePrepareError(describeDecodeError(e));
  }
}
