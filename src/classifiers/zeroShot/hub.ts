// Hugging Face hub hygiene around transformers.js's own downloads:
// - a branch or tag resolves to its commit sha (one API call that also lists the repo's files), and
//   the model loads at that sha, so predictions and the embedding cache are tied to fixed weights;
//   the answer is kept in the cache dir, so a pinned revision loads offline;
// - partial downloads (`*.tmp.*`) left by a killed process are removed at start;
// - errors that say what to do: no onnx/ folder, 401/403 (HF_TOKEN), a dtype whose files are missing.
// `HF_ENDPOINT` (as huggingface_hub reads it) points at a mirror.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ModelLoadError } from './errors';

export const DTYPE_SUFFIX: Readonly<Record<string, string>> = { fp32: '', q8: '_quantized', fp16: '_fp16' };

export interface RepoFile {
  path: string;
  size?: number;
}

export interface HubRevision {
  /** The commit sha, or the revision as given when it could not be resolved. */
  sha: string;
  /** The branch, tag or sha asked for. */
  requested: string;
  /** hub: asked now; cache: remembered from an earlier download (offline); pinned: a sha was given. */
  via: 'hub' | 'cache' | 'pinned' | 'unresolved';
  files?: RepoFile[];
}

export function hubEndpoint(env: NodeJS.ProcessEnv = process.env): string {
  const e = (env.HF_ENDPOINT || 'https://huggingface.co').trim();
  return e.endsWith('/') ? e : e + '/';
}

const isSha = (r: string) => /^[0-9a-f]{40}$/.test(r);
const memoFile = (cacheDir: string, id: string, rev: string) => path.join(cacheDir, 'models', '.revisions', `${id.replace(/\//g, '--')}@${encodeURIComponent(rev)}.json`);

function tokenHeaders(env: NodeJS.ProcessEnv): Record<string, string> {
  const token = env.HF_TOKEN ?? env.HF_ACCESS_TOKEN;
  return token ? { Authorization: `Bearer ${token}` } : {};
}

export function authError(id: string, status: number, env: NodeJS.ProcessEnv = process.env): ModelLoadError {
  const has = !!(env.HF_TOKEN ?? env.HF_ACCESS_TOKEN);
  return new ModelLoadError(
    `The hub answered ${status} for "${id}": the model is gated or private. ` +
      (has ? 'The token in HF_TOKEN has no access to it: accept the model\'s terms on its hub page with that account, or use a token that can read it.' : 'Set HF_TOKEN to a Hugging Face access token that can read it (accept the model\'s terms on its hub page first), then run again.'),
  );
}

/** The ONNX ports to suggest for a repo without an onnx/ folder. */
export function onnxPortsFor(id: string): string {
  const name = id.split('/').pop()!;
  return `Xenova/${name} or onnx-community/${name}`;
}

export function noOnnxError(id: string): ModelLoadError {
  return new ModelLoadError(
    `"${id}" has no onnx/ folder: it holds PyTorch/JAX weights, which Image Triage cannot run. Use an ONNX port of the same weights, such as ${onnxPortsFor(id)} (for example Xenova/clip-vit-base-patch32 or Xenova/siglip-base-patch16-224).`,
  );
}

/** Which dtypes have both tower files, from a file list. */
export function dtypesPresent(files: string[]): string[] {
  return Object.entries(DTYPE_SUFFIX)
    .filter(([, sfx]) => files.includes(`onnx/text_model${sfx}.onnx`) && files.includes(`onnx/vision_model${sfx}.onnx`))
    .map(([d]) => d);
}

/** The error for a dtype whose tower files are missing, naming the real file suffix and what exists. */
export function checkDtypeFiles(where: string, files: string[], dtype: string): ModelLoadError | undefined {
  const sfx = DTYPE_SUFFIX[dtype] ?? `_${dtype}`;
  const missing = ['text_model', 'vision_model'].map((s) => `onnx/${s}${sfx}.onnx`).filter((f) => !files.includes(f));
  if (!missing.length) return undefined;
  if (!files.some((f) => f.startsWith('onnx/'))) return undefined;
  const have = dtypesPresent(files);
  return new ModelLoadError(
    `${where} has no ${missing.join(' or ')}: dtype ${dtype} reads the ${sfx ? `"${sfx}"` : 'unsuffixed'} files (fp32: none, q8: "_quantized", fp16: "_fp16"). ` +
      (have.length ? `Dtypes with both towers here: ${have.join(', ')}; pass --dtype ${have[0]} (or set imageTriage.dtype).` : 'No dtype has both onnx/text_model*.onnx and onnx/vision_model*.onnx here.'),
  );
}

/** Files of a local model directory (relative, '/' separated), onnx/ included. */
export async function localFiles(dir: string): Promise<string[]> {
  const top = await fs.readdir(dir).catch(() => [] as string[]);
  const onnx = await fs.readdir(path.join(dir, 'onnx')).catch(() => [] as string[]);
  return [...top.filter((f) => f !== 'onnx'), ...onnx.map((f) => `onnx/${f}`)];
}

/**
 * Resolves `rev` of hub model `id` to a commit sha (and its file list). Offline, or when the hub
 * cannot be reached, the last answer for the same id and revision is used.
 */
export async function resolveRevision(id: string, rev: string, o: { cacheDir: string; allowRemote: boolean; env?: NodeJS.ProcessEnv; fetchImpl?: typeof fetch }): Promise<HubRevision> {
  const env = o.env ?? process.env;
  const memo = memoFile(o.cacheDir, id, rev);
  const remembered = async (): Promise<HubRevision | undefined> => {
    try {
      const m = JSON.parse(await fs.readFile(memo, 'utf8')) as { sha: string; files?: RepoFile[] };
      return { sha: m.sha, requested: rev, via: 'cache', files: m.files };
    } catch {
      return undefined;
    }
  };
  if (!o.allowRemote) return (await remembered()) ?? { sha: rev, requested: rev, via: isSha(rev) ? 'pinned' : 'unresolved' };
  let res: Response;
  try {
    const url = `${hubEndpoint(env)}api/models/${id}/revision/${encodeURIComponent(rev)}?blobs=true`;
    res = await (o.fetchImpl ?? fetch)(url, { headers: tokenHeaders(env), signal: AbortSignal.timeout(30_000) });
  } catch {
    return (await remembered()) ?? { sha: rev, requested: rev, via: isSha(rev) ? 'pinned' : 'unresolved' };
  }
  if (res.status === 401 || res.status === 403) throw authError(id, res.status, env);
  if (res.status === 404) {
    throw new ModelLoadError(`The hub has no model "${id}"${rev === 'main' ? '' : ` at revision "${rev}"`} (404). Check the id${rev === 'main' ? '' : ' and --revision'}; a private model needs HF_TOKEN.`);
  }
  if (!res.ok) return (await remembered()) ?? { sha: rev, requested: rev, via: 'unresolved' };
  const body = (await res.json()) as { sha?: string; siblings?: { rfilename: string; size?: number }[] };
  const sha = typeof body.sha === 'string' && isSha(body.sha) ? body.sha : rev;
  const files = (body.siblings ?? []).map((s) => ({ path: s.rfilename, size: s.size }));
  await fs.mkdir(path.dirname(memo), { recursive: true });
  const tmp = `${memo}.${process.pid}.partial`;
  await fs.writeFile(tmp, JSON.stringify({ sha, files }));
  await fs.rename(tmp, memo);
  return { sha, requested: rev, via: 'hub', files };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `*.tmp.*` partial downloads under the model cache (a killed download leaves them). */
export async function removePartialDownloads(modelsDir: string): Promise<string[]> {
  const removed: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    if (depth > 8) return;
    const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p, depth + 1);
      else {
        // transformers.js names them <file>.tmp.<pid>.<random>: a live process's download is left alone.
        const m = /\.tmp\.(\d+)\.[0-9a-z]+$/i.exec(e.name);
        if (m && !alive(Number(m[1]))) {
          await fs.rm(p, { force: true });
          removed.push(p);
        }
      }
    }
  };
  if (existsSync(modelsDir)) await walk(modelsDir, 0);
  return removed;
}
