// Path containment for everything the webview names. Pure (no vscode): unit tested.
import * as path from 'node:path';

/** True when `target` is `root` itself or lies under it (lexically, after normalisation). */
export function isInside(root: string, target: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(target));
  return rel === '' || (rel !== '..' && !rel.startsWith('..' + path.sep) && !path.isAbsolute(rel));
}

/**
 * The absolute path of an image id ('/'-separated path relative to the folder), or null when the id
 * is absolute, escapes the folder, or is malformed.
 */
export function resolveImageId(root: string, id: string): string | null {
  if (!id || id.includes('\0') || id.includes('\\') || path.isAbsolute(id) || path.posix.isAbsolute(id)) return null;
  const parts = id.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return null;
  const abs = path.resolve(root, ...parts);
  return isInside(root, abs) && abs !== path.resolve(root) ? abs : null;
}

/** The image id of an absolute path inside root, or null. */
export function imageIdOf(root: string, abs: string): string | null {
  if (!isInside(root, abs)) return null;
  const rel = path.relative(path.resolve(root), path.resolve(abs));
  return rel ? rel.split(path.sep).join('/') : null;
}

/** An id made only of plain names joined by '/' (no '', '.', '..', backslash, NUL or drive): inside any root. */
export function isPlainRelativeId(id: string): boolean {
  if (!id || id.includes('\0') || id.includes('\\') || id.includes(':') || id.startsWith('/')) return false;
  for (const part of id.split('/')) if (part === '' || part === '.' || part === '..') return false;
  return true;
}
