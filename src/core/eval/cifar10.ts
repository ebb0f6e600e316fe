// `eval --protocol cifar10`: the ten CIFAR-10 classes with the CLIP paper's 18 CIFAR-10 prompt
// templates (https://github.com/openai/CLIP/blob/main/data/prompts.md#cifar10), as a categories file.
export const CIFAR10_CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'] as const;

export const CIFAR10_TEMPLATES = [
  'a photo of a {}.',
  'a blurry photo of a {}.',
  'a black and white photo of a {}.',
  'a low contrast photo of a {}.',
  'a high contrast photo of a {}.',
  'a bad photo of a {}.',
  'a good photo of a {}.',
  'a photo of a small {}.',
  'a photo of a big {}.',
  'a photo of the {}.',
  'a blurry photo of the {}.',
  'a black and white photo of the {}.',
  'a low contrast photo of the {}.',
  'a high contrast photo of the {}.',
  'a bad photo of the {}.',
  'a good photo of the {}.',
  'a photo of the small {}.',
  'a photo of the big {}.',
] as const;

export const PROTOCOLS = ['cifar10'] as const;

/** The categories file: names as in the dataset's folders, the paper's templates with {name}. */
export function cifar10Categories(): { mode: 'single_label'; categories: { name: string; description: string }[]; templates: string[] } {
  return {
    mode: 'single_label',
    categories: CIFAR10_CLASSES.map((name) => ({ name, description: `CIFAR-10 class ${name}` })),
    templates: CIFAR10_TEMPLATES.map((t) => t.replace('{}', '{name}')),
  };
}
