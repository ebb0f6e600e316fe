// Shared test data for the VLM tests: a category set, a good card, real small images.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ImageInput } from '../../../src/core/classifier';
import type { CategorySet } from '../../../src/core/types';

export const SET: CategorySet = {
  mode: 'single_label',
  categories: [
    { name: 'cat', description: 'A domestic cat is the main subject.' },
    { name: 'dog', description: 'A dog is the main subject.' },
    { name: 'bird', description: 'A bird is the main subject, perched or flying.' },
  ],
  templates: ['a photo of {name}.'],
};

export const MULTI: CategorySet = { ...SET, mode: 'multi_label' };

export const API_KEY = 'sk-test-S3CRET-0123456789abcdef';

/** A fully consistent single-label card for "cat". */
export function goodCard(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    category_scores: { cat: 5, dog: 1, bird: 1 },
    predicted_categories: [{ name: 'cat', score: 5, confidence: 'high', visual_evidence: 'A tabby cat sits on a sofa, facing the camera.' }],
    fits_any: true,
    would_route_to: 'cat',
    decision_basis: 'The main subject is clearly a cat.',
    ...over,
  };
}

export const cardText = (over: Record<string, unknown> = {}) => JSON.stringify(goodCard(over));

export async function pngImage(width = 64, height = 48, name = 'a.png'): Promise<ImageInput> {
  const bytes = await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60, b: 30 } } }).png().toBuffer();
  return { path: `/data/${name}`, relPath: name, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

export function corruptImage(name = 'broken.jpg'): ImageInput {
  const bytes = Buffer.from('this is not an image at all');
  return { path: `/data/${name}`, relPath: name, sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
}

export const flagKinds = (p: { flags?: { kind: string }[] }) => (p.flags ?? []).map((f) => f.kind);
