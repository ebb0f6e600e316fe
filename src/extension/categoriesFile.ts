// Finding the categories file for a folder, and the commented example written by "Create
// categories.json…". Pure Node (no vscode): unit tested.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isInside } from './panel/pathGuard';

export const CATEGORIES_FILE = 'categories.json';

/**
 * `categories.json` in `folder` or the nearest parent that is still inside `workspaceRoot`
 * (the folder itself when there is no workspace). Returns the path, or null.
 */
export async function findCategoriesFile(folder: string, workspaceRoot: string | undefined): Promise<string | null> {
  const stop = path.resolve(workspaceRoot && isInside(workspaceRoot, folder) ? workspaceRoot : folder);
  let dir = path.resolve(folder);
  for (;;) {
    const candidate = path.join(dir, CATEGORIES_FILE);
    try {
      if ((await fs.stat(candidate)).isFile()) return candidate;
    } catch {
      /* not here */
    }
    if (dir === stop) return null;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** JSON files that could be a categories file: in the folder and its parents inside the workspace, sidecars excluded. */
export async function candidateJsonFiles(folder: string, workspaceRoot: string | undefined, limit = 50): Promise<string[]> {
  const stop = path.resolve(workspaceRoot && isInside(workspaceRoot, folder) ? workspaceRoot : folder);
  const out: string[] = [];
  let dir = path.resolve(folder);
  for (;;) {
    let names: string[] = [];
    try {
      names = await fs.readdir(dir);
    } catch {
      /* unreadable */
    }
    for (const n of names.sort()) {
      if (n.endsWith('.json') && !n.endsWith('.labels.json') && !n.startsWith('.') && n !== 'package.json' && n !== 'package-lock.json' && n !== 'tsconfig.json') {
        out.push(path.join(dir, n));
        if (out.length >= limit) return out;
      }
    }
    if (dir === stop) return out;
    const parent = path.dirname(dir);
    if (parent === dir) return out;
    dir = parent;
  }
}

/** The routing card's example: warranty claim / shipping damage / misuse, with comments explaining each part. */
export const EXAMPLE_CATEGORIES = `// Categories for Image Triage. Comments and trailing commas are allowed.
// Every image in this folder (and its subfolders) is scored against each category.
{
  // "single_label": exactly one category per image (or none fits → the review queue).
  // "multi_label": every category that fits.
  "mode": "single_label",
  "categories": [
    // "name" is the label written to the sidecars; "description" says in a sentence what the image
    // shows. Zero-shot models compare the image with the description, so describe what is visible.
    {
      "name": "warranty_claim",
      "description": "A product that is broken, defective or stopped working through normal use, such as a cracked part or a faulty component."
    },
    {
      "name": "shipping_damage",
      "description": "A package or product damaged in transit: a crushed, torn or wet box, or an item broken inside its packaging."
    },
    {
      "name": "misuse",
      "description": "A product damaged by misuse or an accident, such as water damage, burn marks, a drop or an unauthorised modification."
    }
  ],
  // Optional prompt templates for zero-shot models: {name} is the name with spaces, {description} the description.
  "templates": ["a photo of {name}.", "{description}"]
}
`;

/** Category names for a panel opened without a categories file: from the sidecars' predictions, in first-seen order. */
export function categoriesFromScores(scores: Iterable<Record<string, number> | undefined>): string[] {
  const names: string[] = [];
  for (const s of scores) for (const n of Object.keys(s ?? {})) if (!names.includes(n)) names.push(n);
  return names;
}
