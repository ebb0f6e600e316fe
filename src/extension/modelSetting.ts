// Resolves the imageTriage.model setting: a hub id, an absolute directory, or a directory relative
// to the workspace folder. Pure Node (no vscode): unit tested.
import { existsSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ResolvedModel {
  /** What the classifier loads: an absolute directory, or a hub id. */
  model: string;
  isLocal: boolean;
  /** Local directory that does not exist (the classifier will refuse it; say so early). */
  missing: boolean;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

export function resolveModelSetting(value: string, workspaceFolder: string | undefined): ResolvedModel {
  const v = value.trim();
  if (v.startsWith('~')) {
    const p = path.join(os.homedir(), v.slice(1));
    return { model: p, isLocal: true, missing: !isDir(p) };
  }
  if (path.isAbsolute(v) || /^[A-Za-z]:[\\/]/.test(v)) return { model: path.resolve(v), isLocal: true, missing: !isDir(v) };
  const base = workspaceFolder ?? process.cwd();
  const candidate = path.resolve(base, v);
  if (isDir(candidate)) return { model: candidate, isLocal: true, missing: false };
  // "./models/x" or "..\x" is meant as a path even when it is missing; "org/name" is a hub id.
  if (v.startsWith('.') || v.includes('\\')) return { model: candidate, isLocal: true, missing: true };
  return { model: v, isLocal: false, missing: false };
}
