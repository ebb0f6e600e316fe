// Chooses the categories for a folder: categories.json in the folder or a parent inside the
// workspace, without asking; otherwise a QuickPick of JSON files or "Create categories.json…".
import * as vscode from 'vscode';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { CategoriesError, categoriesHash, parseCategories } from '../core/categories';
import type { CategorySet } from '../core/types';
import { CATEGORIES_FILE, EXAMPLE_CATEGORIES, candidateJsonFiles, findCategoriesFile } from './categoriesFile';
import type { Logger } from './log';

export interface LoadedCategories {
  set: CategorySet;
  hash: string;
  /** The file they came from. */
  source: string;
  warnings: string[];
}

/** Parses a categories file; on a problem, says which file and what to fix, and returns undefined. */
export async function loadCategoriesFile(file: string, log: Logger, quiet = false): Promise<LoadedCategories | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    const msg = `Cannot read the categories file ${file}: ${(e as Error).message}`;
    log.error(msg);
    if (!quiet) void vscode.window.showErrorMessage(msg);
    return undefined;
  }
  try {
    const { set, warnings } = parseCategories(text, file);
    for (const w of warnings) log.warn(`${file}: ${w}`);
    return { set, hash: categoriesHash(set), source: file, warnings };
  } catch (e) {
    if (!(e instanceof CategoriesError)) throw e;
    log.error(e.message);
    if (!quiet) {
      const n = e.problems.length;
      const open = 'Open categories file';
      void vscode.window
        .showErrorMessage(
          `${file} has ${n} problem${n === 1 ? '' : 's'}: ${e.problems[0]}${n > 1 ? ' (all of them are in the Image Triage output)' : ''}. Fix the file, save it, and run Classify Images again.`,
          open,
        )
        .then((pick) => {
          if (pick === open) void vscode.window.showTextDocument(vscode.Uri.file(file));
        });
    }
    return undefined;
  }
}

export async function chooseCategories(folder: string, workspaceRoot: string | undefined, log: Logger): Promise<LoadedCategories | undefined> {
  const found = await findCategoriesFile(folder, workspaceRoot);
  if (found) {
    log.info(`Using categories from ${found}`);
    return loadCategoriesFile(found, log);
  }
  const create = `$(new-file) Create ${CATEGORIES_FILE}…`;
  const files = await candidateJsonFiles(folder, workspaceRoot);
  type Item = vscode.QuickPickItem & { file?: string };
  const items: Item[] = [
    ...files.map((f) => ({ label: path.basename(f), description: path.dirname(f), file: f })),
    ...(files.length ? [{ label: '', kind: vscode.QuickPickItemKind.Separator }] : []),
    { label: create, detail: `Writes a commented example to ${path.join(folder, CATEGORIES_FILE)} and opens it` },
  ];
  const pick = await vscode.window.showQuickPick(items, {
    title: `No ${CATEGORIES_FILE} in ${path.basename(folder)} or its parents`,
    placeHolder: 'Choose the JSON file with the categories, or create one',
    ignoreFocusOut: true,
  });
  if (!pick) return undefined;
  if (pick.file) return loadCategoriesFile(pick.file, log);
  const target = path.join(folder, CATEGORIES_FILE);
  try {
    await fs.writeFile(target, EXAMPLE_CATEGORIES, { flag: 'wx' });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      void vscode.window.showErrorMessage(`Cannot create ${target}: ${(e as Error).message}`);
      return undefined;
    }
  }
  log.info(`Created ${target}`);
  await vscode.window.showTextDocument(vscode.Uri.file(target));
  void vscode.window.showInformationMessage(`Edit the categories in ${CATEGORIES_FILE} to describe your images, save it, then run Classify Images again.`);
  return undefined;
}
