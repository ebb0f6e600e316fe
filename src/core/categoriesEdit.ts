// Adding a category to a categories file as text: the new entry goes after the last one of the
// "categories" array, and every other byte of the file (comments, formatting, other keys, line
// endings) stays as it was. The result is validated by parseCategories, with every rule a hand-written
// file meets (name, duplicate, description, refused categories); the write is atomic.
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from './atomicWrite';
import { CategoriesError, parseCategories } from './categories';
import type { CategorySet } from './types';

interface ArraySpan {
  open: number;
  close: number;
  /** Index of the last character of the last element, or of a trailing comma; -1 when empty. */
  last: number;
  /** Index of the first element's first character; -1 when empty. */
  first: number;
}

/** Where the top-level "categories" array is (the last one, as JSON.parse keeps the last key). */
function findCategoriesArray(text: string): ArraySpan | null {
  const stack: string[] = [];
  let lastString = '';
  let key: string | null = null;
  let found: ArraySpan | null = null;
  let cur: ArraySpan | null = null;
  const mark = (start: number, end: number) => {
    if (!cur || stack.length < 2) return;
    if (cur.first < 0) cur.first = start;
    cur.last = end;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff') continue;
    if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      i = text.indexOf('*/', i + 2) + 1;
      if (i <= 0) return null;
      continue;
    }
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      lastString = JSON.parse(text.slice(start, i + 1)) as string;
      mark(start, i);
      continue;
    }
    if (c === ':' && stack.length === 1) key = lastString;
    else if (c === ',' && stack.length === 1) key = null;
    if (c === ']' && cur && stack.length === 2) {
      cur.close = i;
      found = cur;
      cur = null;
      stack.pop();
      continue;
    }
    mark(i, i);
    if (c === '[' || c === '{') {
      stack.push(c);
      if (c === '[' && stack.length === 2 && stack[0] === '{' && key === 'categories') cur = { open: i, close: -1, last: -1, first: -1 };
    } else if (c === ']' || c === '}') {
      stack.pop();
    }
  }
  return found;
}

/** The categories file's text with `{name, description}` added; throws CategoriesError (every problem) when the result is not valid. */
export function addCategoryText(text: string, category: { name: string; description: string }, source?: string): { text: string; set: CategorySet; warnings: string[] } {
  const before = parseCategories(text, source).set;
  const span = findCategoriesArray(text);
  if (!span) throw new CategoriesError(['no "categories" array to add to'], source);
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  const entry = `{ "name": ${JSON.stringify(category.name)}, "description": ${JSON.stringify(category.description)} }`;
  const lineStart = (at: number) => Math.max(text.lastIndexOf('\n', at - 1), text.lastIndexOf('\r', at - 1)) + 1;
  const indentAt = (at: number) => /^[ \t]*/.exec(text.slice(lineStart(at)))![0];
  let next: string;
  if (span.first < 0) {
    next = text.slice(0, span.open + 1) + entry + text.slice(span.open + 1);
  } else {
    // One element per line (the usual layout) keeps that; an array on one line stays on one line.
    const ownLine = lineStart(span.first) > span.open;
    const sep = ownLine ? nl + indentAt(span.first) : ' ';
    const trailingComma = text[span.last] === ',';
    const insert = trailingComma ? `${sep}${entry},` : `,${sep}${entry}`;
    next = text.slice(0, span.last + 1) + insert + text.slice(span.last + 1);
  }
  const { set, warnings } = parseCategories(next, source);
  if (set.categories.length !== before.categories.length + 1) throw new CategoriesError(['the new category did not land in the "categories" array'], source);
  return { text: next, set, warnings };
}

/** Adds a category to the file at `file` (atomic write). Throws CategoriesError when the name or description is refused. */
export async function addCategoryToFile(file: string, category: { name: string; description: string }): Promise<{ set: CategorySet; warnings: string[] }> {
  const text = await fs.readFile(file, 'utf8');
  const out = addCategoryText(text, { name: category.name.trim(), description: category.description.trim() }, file);
  await writeFileAtomic(file, out.text);
  return { set: out.set, warnings: out.warnings };
}
