// A test Open Inference Protocol (KServe v2) server on 127.0.0.1: the REST subset Image Triage uses
// (/v2/health/ready, GET /v2/models/<name>, POST /v2/models/<name>/infer with JSON tensors or the
// binary data extension), running a model directory's onnx/*.onnx files on onnxruntime-node, as
// Triton would. Faults for the failure tests: 5xx answers, delays, wrong output shapes, going down.
import * as http from 'node:http';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import * as ort from 'onnxruntime-node';

export interface OipFaults {
  /** Answer this many next infer requests with this status (e.g. 503). */
  failNext?: { count: number; status: number; retryAfter?: string };
  /** Every request waits this long before answering. */
  delayMs?: number;
  /** Infer answers drop the last row of every output (a server batching bug). */
  wrongShape?: boolean;
}

export interface OipServer {
  url: string;
  faults: OipFaults;
  /** Requests per route, e.g. counts['infer:vision_model']. */
  counts: Record<string, number>;
  /** The binary-data flag of every infer request's inputs, in order. */
  binaryRequests: boolean[];
  close(): Promise<void>;
}

const ORT_TO_OIP: Record<string, string> = { float32: 'FP32', int64: 'INT64', float16: 'FP16', int32: 'INT32' };
const BYTES: Record<string, number> = { FP32: 4, INT64: 8, FP16: 2, INT32: 4 };

type InTensor = { name: string; shape: number[]; datatype: string; data?: number[]; parameters?: { binary_data_size?: number } };

function typed(datatype: string, bytes: Buffer | undefined, json: number[] | undefined): Float32Array | BigInt64Array {
  if (datatype === 'FP32') return bytes ? new Float32Array(new Uint8Array(bytes).buffer) : Float32Array.from(json!.flat(Infinity as 1) as number[]);
  if (datatype === 'INT64') return bytes ? new BigInt64Array(new Uint8Array(bytes).buffer) : BigInt64Array.from((json!.flat(Infinity as 1) as number[]).map((x) => BigInt(x)));
  throw new Error(`unsupported datatype ${datatype}`);
}

/** Serves `<modelDir>/onnx/<name>.onnx` as model `<name>` (loaded on first use). */
export async function startOipServer(modelDir: string, faults: OipFaults = {}): Promise<OipServer> {
  const sessions = new Map<string, Promise<ort.InferenceSession>>();
  const session = (name: string) => {
    const file = path.join(modelDir, 'onnx', `${name}.onnx`);
    if (!/^[\w-]+$/.test(name) || !existsSync(file)) return undefined;
    if (!sessions.has(name)) sessions.set(name, ort.InferenceSession.create(file));
    return sessions.get(name)!;
  };
  const counts: Record<string, number> = {};
  const binaryRequests: boolean[] = [];
  const send = (res: http.ServerResponse, status: number, body: unknown, extra: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...extra });
    res.end(JSON.stringify(body));
  };
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (res.destroyed) return;
    const url = new URL(req.url ?? '/', 'http://x');
    try {
      if (req.method === 'GET' && url.pathname === '/v2/health/ready') return send(res, 200, {});
      const m = /^\/v2\/models\/([^/]+)(\/infer)?$/.exec(url.pathname);
      if (!m) return send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
      const name = decodeURIComponent(m[1]);
      counts[`${m[2] ? 'infer' : 'meta'}:${name}`] = (counts[`${m[2] ? 'infer' : 'meta'}:${name}`] ?? 0) + 1;
      const s = session(name);
      if (!s) return send(res, 404, { error: `Request for unknown model: '${name}' is not found` });
      const sess = await s;
      const meta = (list: readonly ort.InferenceSession.ValueMetadata[]) =>
        list.map((v) => {
          const t = v as { name: string; type?: string; shape?: readonly (number | string)[] };
          return { name: t.name, datatype: ORT_TO_OIP[t.type ?? 'float32'] ?? t.type, shape: (t.shape ?? []).map((d) => (typeof d === 'number' ? d : -1)) };
        });
      if (req.method === 'GET' && !m[2]) return send(res, 200, { name, versions: ['1'], platform: 'onnxruntime_onnx', inputs: meta(sess.inputMetadata), outputs: meta(sess.outputMetadata) });
      if (req.method !== 'POST' || !m[2]) return send(res, 405, { error: 'method not allowed' });
      if (faults.failNext && faults.failNext.count > 0) {
        faults.failNext.count--;
        return send(res, faults.failNext.status, { error: 'injected failure' }, faults.failNext.retryAfter ? { 'retry-after': faults.failNext.retryAfter } : {});
      }
      const hlen = req.headers['inference-header-content-length'];
      const jsonLen = hlen !== undefined ? Number(hlen) : body.length;
      const header = JSON.parse(body.subarray(0, jsonLen).toString('utf8')) as { inputs: InTensor[]; outputs?: { name: string; parameters?: { binary_data?: boolean } }[] };
      let offset = jsonLen;
      const feeds: Record<string, ort.Tensor> = {};
      for (const t of header.inputs) {
        const size = t.parameters?.binary_data_size;
        binaryRequests.push(size !== undefined);
        const bytes = size !== undefined ? body.subarray(offset, (offset += size)) : undefined;
        const data = typed(t.datatype, bytes, t.data);
        if (data.length !== t.shape.reduce((a, b) => a * b, 1)) return send(res, 400, { error: `input ${t.name}: ${data.length} values for shape [${t.shape}] (${BYTES[t.datatype]} bytes each)` });
        feeds[t.name] = new ort.Tensor(t.datatype === 'FP32' ? 'float32' : 'int64', data, t.shape);
      }
      const missing = sess.inputNames.filter((n) => !feeds[n]);
      if (missing.length) return send(res, 400, { error: `missing inputs: ${missing.join(', ')}` });
      const wanted = header.outputs?.length ? header.outputs : sess.outputNames.map((n) => ({ name: n, parameters: { binary_data: false } }));
      const out = await sess.run(feeds, wanted.map((o) => o.name));
      const parts: Buffer[] = [];
      const outputs = wanted.map((o) => {
        const t = out[o.name];
        let shape = [...t.dims];
        let data = t.data as Float32Array;
        if (faults.wrongShape) {
          shape = [shape[0] - 1, ...shape.slice(1)];
          data = data.subarray(0, shape.reduce((a, b) => a * b, 1));
        }
        if (o.parameters?.binary_data) {
          parts.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
          return { name: o.name, datatype: 'FP32', shape, parameters: { binary_data_size: data.byteLength } };
        }
        return { name: o.name, datatype: 'FP32', shape, data: Array.from(data) };
      });
      const json = Buffer.from(JSON.stringify({ model_name: name, model_version: '1', outputs }));
      if (parts.length) {
        res.writeHead(200, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(json.length) });
        res.end(Buffer.concat([json, ...parts]));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(json);
      }
    } catch (e) {
      send(res, 500, { error: (e as Error).message });
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    counts,
    binaryRequests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await Promise.all([...sessions.values()].map(async (s) => (await s).release()));
    },
  };
}
