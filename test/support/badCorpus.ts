// The bad-input corpus, generated: every kind of hostile or broken file a folder of images can hold,
// each with what a user must see. `expect` is a regular expression over the CLI's line for that file
// (`<relPath>: <message>` on stdout, or `warning: <path>: <message>` on stderr for discovery problems),
// or 'classified' when the file is a valid image that must be classified like any other.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { hugeDimensionPng, solidColorPng } from './fixtures';

export interface BadKind {
  kind: string;
  /** The image's path relative to the folder ('' for kinds with no image of their own). */
  rel: string;
  expect: 'classified' | RegExp;
  /** Where the message shows: the run's per-file line (stdout) or a discovery warning (stderr). */
  where?: 'file' | 'warning';
}

const cut = (b: Buffer) => b.subarray(0, Math.floor(b.length / 2));

/** Writes the image-side corpus into root; returns the table. Permissions are set by `lockDown`. */
export async function writeBadCorpus(root: string, outside: string): Promise<BadKind[]> {
  const w = (rel: string, data: Buffer | string) => fs.writeFile(path.join(root, rel), data);
  const photo = sharp({ create: { width: 96, height: 64, channels: 3, background: { r: 220, g: 20, b: 20 } } });
  const table: BadKind[] = [];
  const add = async (k: BadKind, make: () => Promise<unknown>) => {
    await make();
    table.push(k);
  };
  await add({ kind: 'zero bytes', rel: 'empty.jpg', expect: /cannot read image: file is empty \(0 bytes\)/ }, () => w('empty.jpg', Buffer.alloc(0)));
  await add({ kind: 'text named .jpg', rel: 'notes.jpg', expect: /not a supported image \(the file content is not JPEG, PNG, WebP, GIF, TIFF or AVIF\)/ }, () => w('notes.jpg', 'this is text, not a JPEG\n'));
  await add({ kind: 'truncated JPEG', rel: 'cut.jpg', expect: /truncated|premature end|corrupt|cannot decode|not a readable image/i }, async () => w('cut.jpg', cut(await photo.clone().jpeg().toBuffer())));
  await add({ kind: 'truncated PNG', rel: 'cut.png', expect: /truncated|corrupt|cannot decode|not a readable image|premature|IDAT/i }, async () => w('cut.png', cut(await photo.clone().png().toBuffer())));
  await add({ kind: 'truncated WebP', rel: 'cut.webp', expect: /truncated|corrupt|cannot decode|not a readable image|webp/i }, async () => w('cut.webp', cut(await photo.clone().webp().toBuffer())));
  await add({ kind: 'PNG bomb (50,000 × 50,000 px, 1 KB)', rel: 'bomb.png', expect: /pixel limit|too large|exceeds/i }, () => w('bomb.png', hugeDimensionPng()));
  await add({ kind: '16-bit TIFF', rel: 'deep16.tiff', expect: 'classified' }, async () => w('deep16.tiff', await photo.clone().toColourspace('rgb16').tiff().toBuffer()));
  await add({ kind: 'CMYK TIFF', rel: 'cmyk.tif', expect: 'classified' }, async () => w('cmyk.tif', await photo.clone().toColourspace('cmyk').tiff().toBuffer()));
  await add({ kind: 'animated GIF (3 frames)', rel: 'anim.gif', expect: 'classified' }, async () => w('anim.gif', await animation('gif')));
  await add({ kind: 'animated WebP (3 frames)', rel: 'anim.webp', expect: 'classified' }, async () => w('anim.webp', await animation('webp')));
  await add({ kind: 'AVIF', rel: 'photo.avif', expect: 'classified' }, async () => w('photo.avif', await photo.clone().avif({ quality: 50 }).toBuffer()));
  await add({ kind: 'unreadable (mode 000)', rel: 'secret.png', expect: /cannot read image: .*(EACCES|permission denied)/i }, async () => w('secret.png', await solidColorPng('blue', 32)));
  await add({ kind: 'symlink loop', rel: 'loop', expect: /symbolic link to a folder already scanned .*link loop/, where: 'warning' }, async () => {
    await fs.mkdir(path.join(root, 'sub'));
    await fs.symlink('..', path.join(root, 'sub', 'loop'));
  });
  await add({ kind: 'broken symlink', rel: 'dangling.jpg', expect: /broken symbolic link -> .*gone\.jpg/, where: 'warning' }, () => fs.symlink(path.join(root, 'gone.jpg'), path.join(root, 'dangling.jpg')));
  await add({ kind: 'symlink out of the folder', rel: 'linked-out.png', expect: /symbolic link points outside the folder \(-> .*elsewhere\.png\); not read/, where: 'warning' }, async () => {
    await fs.writeFile(path.join(outside, 'elsewhere.png'), await solidColorPng('green', 40));
    await fs.symlink(path.join(outside, 'elsewhere.png'), path.join(root, 'linked-out.png'));
  });
  await add({ kind: 'directory named x.jpg (walked as a folder)', rel: 'x.jpg/inner.png', expect: 'classified' }, async () => {
    await fs.mkdir(path.join(root, 'x.jpg'));
    await w('x.jpg/inner.png', await solidColorPng('yellow', 36));
  });
  await add({ kind: 'name with a newline', rel: 'new\nline.png', expect: 'classified' }, async () => w('new\nline.png', await solidColorPng('red', 30)));
  await add({ kind: 'name with RTL override', rel: 'gnp.\u202eevil.png', expect: 'classified' }, async () => w('gnp.\u202eevil.png', await solidColorPng('red', 31)));
  await add({ kind: 'name with invalid UTF-8 bytes', rel: 'bad-\uFFFD.png', expect: /the file name is not valid UTF-8; rename it/, where: 'warning' }, async () => {
    await fs.writeFile(Buffer.concat([Buffer.from(path.join(root, 'bad-')), Buffer.from([0xff]), Buffer.from('.png')]), await solidColorPng('red', 33));
  });
  await add({ kind: 'sidecar that is a directory', rel: 'dirsidecar.png', expect: /EISDIR|is a directory|illegal operation on a directory/i }, async () => {
    await w('dirsidecar.png', await solidColorPng('red', 34));
    await fs.mkdir(path.join(root, 'dirsidecar.png.labels.json'));
  });
  await add({ kind: 'corrupt sidecar (not JSON)', rel: 'badjson.png', expect: /sidecar .*(not valid JSON|corrupt)/i }, async () => {
    await w('badjson.png', await solidColorPng('red', 35));
    await w('badjson.png.labels.json', '{"schema": "image-triage/sidecar", "version": 1, ');
  });
  await add({ kind: 'sidecar off the schema ("predictions": {"zero-shot": {}})', rel: 'schema.png', expect: /corrupt.*\/predictions\/zero-shot/i }, async () => {
    await w('schema.png', await solidColorPng('red', 37));
    await w('schema.png.labels.json', JSON.stringify({ schema: 'image-triage/sidecar', version: 1, image: { name: 'schema.png', sha256: 'a'.repeat(64), size: 1 }, predictions: { 'zero-shot': {} }, errors: {}, review: { status: 'pending', labels: [], history: [] }, audit: [] }));
  });
  await add({ kind: 'file deleted mid-run', rel: 'zz-deleted.png', expect: /cannot read image: .*ENOENT/ }, async () => w('zz-deleted.png', await solidColorPng('green', 38)));
  return table;
}

/** A real 3-frame animation (red, dark red, black) in the given format. */
async function animation(fmt: 'gif' | 'webp'): Promise<Buffer> {
  const frames = [250, 120, 10].map((r) => Buffer.alloc(32 * 32 * 4, Buffer.from([r, 40, 40, 255])));
  const s = sharp(Buffer.concat(frames), { raw: { width: 32, height: 96, channels: 4, pageHeight: 32 } as never });
  return fmt === 'gif' ? s.gif({ loop: 0 }).toBuffer() : s.webp({ loop: 0 }).toBuffer();
}
