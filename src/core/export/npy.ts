// NumPy .npy writer (format version 1.0: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html),
// for the cleanlab export: little-endian int64, float32 or float64, C order.
export type NpyDtype = '<i8' | '<f4' | '<f8';

export function npy(dtype: NpyDtype, shape: readonly number[], data: ArrayLike<number> | BigInt64Array): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  if (data.length !== count) throw new Error(`npy: ${data.length} values for shape (${shape.join(', ')})`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const pre = 10; // magic (6) + version (2) + header length (2)
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header + ' '.repeat(total - pre - header.length - 1) + '\n';
  const head = Buffer.alloc(pre);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head[7] = 0;
  head.writeUInt16LE(header.length, 8);
  let body: Buffer;
  if (dtype === '<i8') {
    const arr = data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(v)));
    body = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  } else {
    const arr = dtype === '<f4' ? Float32Array.from(data as ArrayLike<number>) : Float64Array.from(data as ArrayLike<number>);
    body = Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength);
  }
  return Buffer.concat([head, Buffer.from(header, 'latin1'), body]);
}
