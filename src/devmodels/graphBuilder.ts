// A small ONNX graph builder on top of onnxProto: named inputs/outputs, initializers, and ops
// that return their output names so graphs read like straight-line code.
import {
  DT,
  type AttrValue,
  type Dim,
  type Msg,
  type RawArray,
  graphProto,
  modelProto,
  nodeProto,
  tensorProto,
  valueInfo,
  writeMsg,
} from './onnxProto';
import { toFloat16 } from './numeric';

export interface GraphOptions {
  /**
   * Store float initializers as float16 and Cast them to float32 inside the graph: the weights of an
   * `_fp16` file, with float32 inputs and outputs (like transformers.js's keep_io_types conversion).
   */
  fp16Weights?: boolean;
}

export class GraphBuilder {
  private readonly nodes: Msg[] = [];
  private readonly inits: Msg[] = [];
  private readonly inputs: Msg[] = [];
  private readonly outputs: Msg[] = [];
  private readonly used = new Set<string>();
  private counter = 0;

  constructor(
    readonly name: string,
    private readonly opts: GraphOptions = {},
  ) {}

  input(name: string, elemType: number, shape: readonly Dim[]): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, elemType, shape));
    return name;
  }

  /** Declares a graph output; `from` is renamed to `name` with an Identity when they differ. */
  output(name: string, from: string, elemType: number, shape: readonly Dim[]): void {
    if (from !== name) this.op('Identity', [from], {}, [name]);
    this.outputs.push(valueInfo(name, elemType, shape));
  }

  /** Adds an initializer and returns the name to use it by. */
  init(name: string, dataType: number, dims: readonly number[], data: RawArray): string {
    this.claim(name);
    return this.addInit(name, dataType, dims, data);
  }

  private addInit(name: string, dataType: number, dims: readonly number[], data: RawArray): string {
    if (this.opts.fp16Weights && dataType === DT.FLOAT && data instanceof Float32Array) {
      const stored = this.fresh(`${name}_fp16`);
      this.inits.push(tensorProto(stored, DT.FLOAT16, dims, toFloat16(data)));
      this.nodes.push(nodeProto('Cast', [stored], [name], this.fresh('Cast'), { to: DT.FLOAT }));
      return name;
    }
    this.inits.push(tensorProto(name, dataType, dims, data));
    return name;
  }

  /** A float32 constant (small tensors only). */
  f32(dims: readonly number[], values: readonly number[] | Float32Array, name?: string): string {
    const data = Float32Array.from(values);
    return name ? this.init(name, DT.FLOAT, dims, data) : this.addInit(this.fresh('const_f'), DT.FLOAT, dims, data);
  }

  /** An int64 constant (shapes, axes). */
  i64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.addInit(this.fresh('const_i'), DT.INT64, dims, BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node and returns its first output name. */
  op(type: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, outputs?: string[]): string {
    return this.opN(type, inputs, 1, attrs, outputs)[0];
  }

  /** Adds a node with several outputs; returns all output names. */
  opN(
    type: string,
    inputs: readonly string[],
    count: number,
    attrs: Record<string, AttrValue> = {},
    outputs?: string[],
  ): string[] {
    const outs = outputs ?? Array.from({ length: count }, () => this.fresh(type));
    for (const o of outputs ?? []) this.claim(o);
    this.nodes.push(nodeProto(type, inputs, outs, this.fresh(`n_${type}`), attrs));
    return outs;
  }

  toModel(): Msg {
    return modelProto(
      graphProto({
        name: this.name,
        nodes: this.nodes,
        initializers: this.inits,
        inputs: this.inputs,
        outputs: this.outputs,
      }),
    );
  }

  write(path: string): void {
    writeMsg(path, this.toModel());
  }

  private fresh(prefix: string): string {
    let n: string;
    do n = `${prefix}_${this.counter++}`;
    while (this.used.has(n));
    this.used.add(n);
    return n;
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`duplicate tensor name in graph ${this.name}: ${name}`);
    this.used.add(name);
  }
}
