// `npm run demo`: builds nothing itself (npm runs `build` first), then shows the main job end to end
// on this machine without internet: generates a tiny colour-only CLIP model, makes a demo folder of
// solid-colour images plus real photos from ../shared, and classifies it with the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, copyFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';

const root = resolve('.cache/demo');
const images = join(root, 'images');
const model = join(root, 'tiny-clip');
const cli = resolve('dist/cli.js');
mkdirSync(join(images, 'colours'), { recursive: true });
mkdirSync(join(images, 'photos'), { recursive: true });

const run = (args) => {
  console.log(`\n$ image-triage ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit' });
  return r.status ?? 1;
};

if (!existsSync(join(model, 'onnx/vision_model.onnx'))) run(['make-tiny-model', model, '--kind', 'clip']);
const colours = { red: [220, 20, 30], green: [30, 200, 40], blue: [20, 40, 230], yellow: [240, 230, 20], orange: [250, 130, 10] };
for (const [name, [r, g, b]] of Object.entries(colours)) {
  await sharp({ create: { width: 96, height: 64, channels: 3, background: { r, g, b } } }).png().toFile(join(images, 'colours', `${name}.png`));
}
const photos = resolve('../shared/datasets/hymenoptera/val/bees');
if (existsSync(photos)) for (const f of readdirSync(photos).sort().slice(0, 4)) copyFileSync(join(photos, f), join(images, 'photos', f));
writeFileSync(
  join(images, 'categories.json'),
  JSON.stringify(
    {
      mode: 'single_label',
      categories: Object.keys(colours).map((c) => ({ name: `${c}_item`, description: `A product photo where the item is mostly ${c}.` })),
      templates: ['a photo of {name}', '{description}'],
    },
    null,
    2,
  ),
);
const code = run(['classify', images, '--model', model, '--cache-dir', join(root, 'cache')]);
if (code === 0) {
  run(['show', join(images, 'colours', 'red.png')]);
  console.log(`\nSidecars are next to each image in ${images} (*.labels.json).`);
  console.log('The tiny model only knows colour words: the bee photos land in review or on their dominant colour.');
}
process.exit(code);
