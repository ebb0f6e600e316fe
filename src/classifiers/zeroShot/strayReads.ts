// Closes file read streams that model loading opened and nobody reads (a transformers.js quirk).
import fs, { type ReadStream } from 'node:fs';

/**
 * transformers.js (4.x) opens every local or cached model file it touches as a FileResponse, whose
 * constructor starts an fs read stream into a ReadableStream that nothing consumes (the .onnx goes
 * to ORT by path, the JSON through readFile). On this thread, which then blocks in synchronous ORT
 * runs, those streams trickle on one chunk per turn and pile the model files up in memory over the
 * first thousands of images (+150 MB for ViT-B/32 q8). Any read stream still open once loading has
 * returned has no reader, so it is closed.
 */
export async function withoutStrayReads<T>(load: () => Promise<T>): Promise<T> {
  const original = fs.createReadStream;
  const open = new Set<ReadStream>();
  fs.createReadStream = ((...args: Parameters<typeof original>) => {
    const stream = original(...args);
    open.add(stream);
    stream.once('close', () => open.delete(stream));
    return stream;
  }) as typeof original;
  try {
    return await load();
  } finally {
    fs.createReadStream = original;
    for (const stream of open) stream.destroy();
  }
}
