// Names that are safe on every file system: label → folder name (with a mapping back), and file
// names that never collide inside one export folder (the same name in two source subfolders).
import { createHash } from 'node:crypto';
import * as path from 'node:path';

export const NONE_FOLDER = '_none';
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

/** One path segment safe on Windows, macOS and Linux: no separators, controls or reserved names. */
export function safeSegment(name: string, maxLength = 120): string {
  let s = name
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f<>:"/\\|?*]/g, '_')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  if (!s) s = '_';
  if (RESERVED.test(s.split('.')[0])) s = '_' + s;
  return s.length > maxLength ? s.slice(0, maxLength) : s;
}

/** Label → folder name, unique ignoring case (two labels that clean to the same name get -2, -3). */
export function labelFolders(labels: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>([NONE_FOLDER]);
  for (const label of labels) {
    const base = safeSegment(label, 100);
    let name = base;
    for (let i = 2; used.has(name.toLowerCase()); i++) name = `${base}-${i}`;
    used.add(name.toLowerCase());
    out.set(label, name);
  }
  return out;
}

/**
 * Hands out file names in one folder: the original name when free, otherwise the name with a short
 * hash of its source path. Unique by stem ignoring case (FiftyOne keys samples by stem).
 */
export class FolderNamer {
  private used = new Set<string>();

  name(relPath: string): string {
    const base = safeSegment(path.posix.basename(relPath.split('\\').join('/')));
    const ext = path.extname(base);
    const stem = base.slice(0, base.length - ext.length) || '_';
    let candidate = stem;
    if (this.used.has(candidate.toLowerCase())) {
      const h = createHash('sha1').update(relPath).digest('hex');
      candidate = `${stem}-${h.slice(0, 8)}`;
      for (let i = 2; this.used.has(candidate.toLowerCase()); i++) candidate = `${stem}-${h.slice(0, 8)}-${i}`;
    }
    this.used.add(candidate.toLowerCase());
    return candidate + ext;
  }
}
