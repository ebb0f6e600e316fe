// A minimal ONNX protobuf writer: just the ModelProto/GraphProto/NodeProto/TensorProto fields the
// generated models need. Messages are kept as lists of Buffer chunks (never one giant array of
// numbers), so weight tensors of hundreds of MB are referenced, not copied, until written to disk.
import { openSync, writeSync, closeSync } from 'node:fs';

/** ONNX TensorProto.DataType values used here. */
export const DT = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, BOOL: 9, FLOAT16: 10 } as const;

/** An encoded protobuf message: its bytes as an ordered list of chunks. */
export class Msg {
  readonly parts: Buffer[] = [];
  length = 0;

  private push(b: Buffer): this {
    this.parts.push(b);
    this.length += b.length;
    return this;
  }

  private key(field: number, wire: number): this {
    return this.push(varint(BigInt(field * 8 + wire)));
  }

  /** Varint field (int32/int64/enum). Negative values use 10-byte two's complement, as protobuf does. */
  int(field: number, v: number | bigint): this {
    const n = BigInt(v);
    return this.key(field, 0).push(varint(n < 0n ? n + (1n << 64n) : n));
  }

  float(field: number, v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatLE(v);
    return this.key(field, 5).push(b);
  }

  bytes(field: number, b: Buffer): this {
    return this.key(field, 2).push(varint(BigInt(b.length))).push(b);
  }

  str(field: number, s: string): this {
    return this.bytes(field, Buffer.from(s, 'utf8'));
  }

  msg(field: number, m: Msg): this {
    this.key(field, 2).push(varint(BigInt(m.length)));
    for (const p of m.parts) this.push(p);
    return this;
  }

  /** Packed repeated varints. */
  packedInts(field: number, vs: readonly (number | bigint)[]): this {
    const inner = new Msg();
    for (const v of vs) {
      const n = BigInt(v);
      inner.push(varint(n < 0n ? n + (1n << 64n) : n));
    }
    return this.msg(field, inner);
  }

  packedFloats(field: number, vs: readonly number[]): this {
    const b = Buffer.alloc(vs.length * 4);
    vs.forEach((v, i) => b.writeFloatLE(v, i * 4));
    return this.bytes(field, b);
  }
}

function varint(n: bigint): Buffer {
  const out: number[] = [];
  do {
    let byte = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) byte |= 0x80;
    out.push(byte);
  } while (n > 0n);
  return Buffer.from(out);
}

/** Typed arrays a tensor's raw_data can come from (little-endian, as ONNX wants). */
export type RawArray = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array | Uint16Array;

export function rawBytes(a: RawArray): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

/** TensorProto with raw_data. */
export function tensorProto(name: string, dataType: number, dims: readonly number[], data: RawArray): Msg {
  const m = new Msg();
  if (dims.length) m.packedInts(1, dims);
  return m.int(2, dataType).str(8, name).bytes(9, rawBytes(data));
}

/** A dimension: a fixed size or a symbolic dim_param name. */
export type Dim = number | string;

/** ValueInfoProto for a tensor graph input/output. */
export function valueInfo(name: string, elemType: number, shape: readonly Dim[]): Msg {
  const shapeMsg = new Msg();
  for (const d of shape) {
    const dim = new Msg();
    if (typeof d === 'number') dim.int(1, d);
    else dim.str(2, d);
    shapeMsg.msg(1, dim);
  }
  const tensorType = new Msg().int(1, elemType).msg(2, shapeMsg);
  const typeProto = new Msg().msg(1, tensorType);
  return new Msg().str(1, name).msg(2, typeProto);
}

/** Node attribute values: int, float, string, int list, float list or tensor. */
export type AttrValue = number | string | number[] | { floats: number[] } | { tensor: Msg };

function attribute(name: string, v: AttrValue, isFloat: boolean): Msg {
  const a = new Msg().str(1, name);
  if (typeof v === 'string') return a.bytes(4, Buffer.from(v)).int(20, 3);
  if (typeof v === 'number') return isFloat ? a.float(2, v).int(20, 1) : a.int(3, v).int(20, 2);
  if (Array.isArray(v)) {
    for (const x of v) a.int(8, x);
    return a.int(20, 7);
  }
  if ('floats' in v) return a.packedFloats(7, v.floats).int(20, 6);
  return a.msg(5, v.tensor).int(20, 4);
}

/** Attributes that are floats even when given an integral number. */
const FLOAT_ATTRS = new Set(['epsilon', 'alpha', 'beta', 'value_float', 'gamma']);

export function nodeProto(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  name: string,
  attrs: Record<string, AttrValue> = {},
  domain = '',
): Msg {
  const m = new Msg();
  for (const i of inputs) m.str(1, i);
  for (const o of outputs) m.str(2, o);
  m.str(3, name).str(4, opType);
  for (const [k, v] of Object.entries(attrs)) m.msg(5, attribute(k, v, FLOAT_ATTRS.has(k)));
  if (domain) m.str(7, domain);
  return m;
}

export interface GraphParts {
  name: string;
  nodes: Msg[];
  initializers: Msg[];
  inputs: Msg[];
  outputs: Msg[];
}

export function graphProto(g: GraphParts): Msg {
  const m = new Msg();
  for (const n of g.nodes) m.msg(1, n);
  m.str(2, g.name);
  for (const t of g.initializers) m.msg(5, t);
  for (const i of g.inputs) m.msg(11, i);
  for (const o of g.outputs) m.msg(12, o);
  return m;
}

export const OPSET = 17;
export const IR_VERSION = 8;

export function modelProto(graph: Msg, producer = 'image-triage-devmodels', opset = OPSET): Msg {
  const opsetId = new Msg().str(1, '').int(2, opset);
  return new Msg().int(1, IR_VERSION).str(2, producer).str(3, '1').msg(7, graph).msg(8, opsetId);
}

/** Writes a message chunk by chunk (no concatenation of the whole file in memory). */
export function writeMsg(path: string, m: Msg): void {
  const fd = openSync(path, 'w');
  try {
    for (const p of m.parts) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
    }
  } finally {
    closeSync(fd);
  }
}
