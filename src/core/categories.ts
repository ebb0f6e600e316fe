// The categories file: parsing, validation, prompt templates and the category-set hash.
//
// File format (JSON; `//` and `/* */` comments and trailing commas are allowed):
//   {
//     "mode": "single_label",            // or "multi_label"; optional, defaults to "single_label" (with a warning)
//     "categories": [                    // at least 2; more than 10 works but earns an accuracy warning
//       { "name": "warranty_claim", "description": "Image shows a damaged or defective product ..." },
//       { "name": "shipping_damage", "description": "Image shows damage that happened during shipping ..." }
//     ],
//     "templates": ["a photo of {name}.", "{description}"],  // optional, defaults to DEFAULT_TEMPLATES
//     "thresholds": {"sigmoid": {"logit_scores": [-7, -5, -3, 0]}}  // optional: see cardThresholds.ts
//   }
//
// Names are labels: trimmed, 1..64 characters, no control characters, unique ignoring case, and not the
// reserved route "review". Descriptions are required and non-empty. Categories that ask for a medical
// diagnosis, a legal determination, a person's identity or a protected attribute are refused; see
// sensitiveCategories.ts for the rules. Every problem is collected and reported at once.
import { sha256Hex } from './hash';
import { JsoncSyntaxError, parseJsonc } from './jsonc';
import { findSensitiveRule } from './sensitiveCategories';
import { parseThresholds } from './cardThresholds';
import { ROUTE_REVIEW, type Category, type CategorySet, type Mode } from './types';

/**
 * Prompt templates used for zero-shot prompt ensembling when the file has no "templates".
 * `{name}` is filled with the humanized name (`shipping_damage` -> "shipping damage"), `{description}`
 * with the description verbatim. Descriptions are usually whole sentences ("Image shows ..."), so they
 * are used on their own rather than spliced into the middle of another sentence.
 */
export const DEFAULT_TEMPLATES: readonly string[] = Object.freeze(['a photo of {name}.', 'a photo showing {name}.', '{description}']);

export const MAX_NAME_LENGTH = 64;
/** Above this many categories, zero-shot and VLM accuracy drops noticeably; a warning is given. */
export const MANY_CATEGORIES = 10;

const MODES: readonly Mode[] = ['single_label', 'multi_label'];
const TOP_LEVEL_KEYS = new Set(['mode', 'categories', 'templates', 'thresholds', '$schema']);
const CATEGORY_KEYS = new Set(['name', 'description']);
const PLACEHOLDER = /\{([^{}]*)\}/g;
// C0 and C1 control characters, plus line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Thrown by parseCategories. `problems` lists every problem found; the message names the file. */
export class CategoriesError extends Error {
  constructor(
    readonly problems: string[],
    readonly source?: string,
  ) {
    const where = source ? `Invalid categories file ${source}` : 'Invalid categories file';
    const n = problems.length;
    super(`${where} (${n} problem${n === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CategoriesError';
  }
}

/**
 * A label as words for prompts: each run of underscores becomes one space and whitespace is collapsed
 * (`shipping_damage` -> "shipping damage"). Hyphens and case are kept (`t-shirt`, `iPhone`).
 */
export function humanizeName(name: string): string {
  return name
    .replace(/_+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Fill `{name}` (humanized) and `{description}` in one pass; text inserted is never re-expanded. */
export function fillTemplate(template: string, category: Category): string {
  return template.replace(/\{(name|description)\}/g, (_, key: string) =>
    key === 'name' ? humanizeName(category.name) : category.description,
  );
}

/** Short, stable hash (16 hex chars of sha256) of mode, ordered categories (name, description) and templates. */
export function categoriesHash(set: CategorySet): string {
  const canonical = JSON.stringify({
    mode: set.mode,
    categories: set.categories.map((c) => ({ name: c.name, description: c.description })),
    templates: [...set.templates],
    // Only when given, so files without thresholds keep their hash.
    ...(set.thresholds ? { thresholds: set.thresholds } : {}),
  });
  return sha256Hex(canonical).slice(0, 16);
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

function quote(s: string, max = 40): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parse and validate a categories file. Returns the set and non-fatal warnings; throws CategoriesError
 * listing every problem. `source` (a path) is named in the error message.
 */
/** A categories file holds names and short descriptions: far more is a wrong file, refused before parsing. */
const MAX_CATEGORIES_FILE_CHARS = 1024 * 1024;

export function parseCategories(text: string, source?: string): { set: CategorySet; warnings: string[] } {
  if (text.length > MAX_CATEGORIES_FILE_CHARS) {
    throw new CategoriesError([`the file is ${(text.length / 1048576).toFixed(1)} MB; the limit is 1 MB (names and short descriptions): is it the right file?`], source);
  }
  let doc: unknown;
  const warnings: string[] = [];
  try {
    const parsed = parseJsonc(text);
    doc = parsed.value;
    warnings.push(...parsed.warnings);
  } catch (e) {
    if (e instanceof JsoncSyntaxError) throw new CategoriesError([`invalid JSON at ${e.line}:${e.column}: ${e.reason}`], source);
    throw e;
  }
  if (!isPlainObject(doc)) {
    throw new CategoriesError(
      [`the top level must be an object with "mode", "categories" and "templates" (got ${kind(doc)})`],
      source,
    );
  }

  const problems: string[] = [];

  for (const key of Object.keys(doc)) {
    if (!TOP_LEVEL_KEYS.has(key)) warnings.push(`unknown field ${quote(key)} is ignored (expected "mode", "categories", "templates", "thresholds")`);
  }

  // mode
  let mode: Mode = 'single_label';
  if (!('mode' in doc) || doc.mode === undefined) {
    warnings.push('"mode" is missing; using "single_label" (exactly one category per image). Use "multi_label" to allow several.');
  } else if (typeof doc.mode === 'string' && (MODES as string[]).includes(doc.mode)) {
    mode = doc.mode as Mode;
  } else {
    const got = typeof doc.mode === 'string' ? JSON.stringify(doc.mode) : kind(doc.mode);
    problems.push(`mode must be "single_label" or "multi_label" (got ${got})`);
  }

  // categories
  const categories: Category[] = [];
  if (!('categories' in doc)) {
    problems.push('"categories" is missing: give an array of {"name", "description"} objects');
  } else if (!Array.isArray(doc.categories)) {
    problems.push(`categories must be an array of {"name", "description"} objects (got ${kind(doc.categories)})`);
  } else {
    const list: unknown[] = doc.categories;
    const seen = new Map<string, number>();
    list.forEach((raw, i) => {
      const at = `categories[${i}]`;
      if (!isPlainObject(raw)) {
        problems.push(`${at} must be an object with "name" and "description" (got ${kind(raw)})`);
        return;
      }
      for (const key of Object.keys(raw)) {
        if (!CATEGORY_KEYS.has(key)) warnings.push(`${at} has unknown field ${quote(key)}, which is ignored (expected "name", "description")`);
      }
      const name = checkName(raw.name, at, problems);
      const description = checkDescription(raw.description, at, problems);
      if (name !== undefined) {
        const key = name.toLowerCase();
        const first = seen.get(key);
        if (first !== undefined) problems.push(`${at}.name ${quote(name)} duplicates categories[${first}].name`);
        else seen.set(key, i);
      }
      if (name !== undefined || description !== undefined) {
        const hit = findSensitiveRule({ name: name ?? '', description: description ?? '' });
        if (hit) {
          problems.push(
            `${at}${name !== undefined ? ` ${quote(name)}` : ''} is refused by rule "${hit.ruleId}" (${hit.title}): matched ${quote(hit.match)} in the ${hit.field}. ${hit.reason} ` +
              'Content-moderation categories (nudity, violence, weapons, hate symbols, ...) and object or damage categories are allowed.',
          );
        }
      }
      if (name !== undefined && description !== undefined) categories.push({ name, description });
    });
    if (list.length < 2) {
      problems.push(
        `categories has ${list.length} entr${list.length === 1 ? 'y' : 'ies'}; at least 2 are needed, because zero-shot classification picks among alternatives. ` +
          'For a yes/no question use a pair, e.g. "damaged" and "not_damaged".',
      );
    } else if (list.length > MANY_CATEGORIES) {
      warnings.push(
        `${list.length} categories: accuracy drops as categories grow past ${MANY_CATEGORIES}; consider merging similar ones or splitting the task into stages`,
      );
    }
  }

  // templates
  let templates: string[] = [...DEFAULT_TEMPLATES];
  if ('templates' in doc && doc.templates !== undefined) {
    if (!Array.isArray(doc.templates)) {
      problems.push(`templates must be an array of strings (got ${kind(doc.templates)})`);
    } else if (doc.templates.length === 0) {
      problems.push('templates is empty; remove "templates" to use the defaults, or give at least one');
    } else {
      templates = [];
      const seen = new Set<string>();
      (doc.templates as unknown[]).forEach((t, i) => {
        const ok = checkTemplate(t, `templates[${i}]`, problems);
        if (ok === undefined) return;
        if (seen.has(ok)) warnings.push(`templates[${i}] ${quote(ok)} repeats an earlier template`);
        seen.add(ok);
        templates.push(ok);
      });
    }
  }

  const thresholds = 'thresholds' in doc && doc.thresholds !== undefined ? parseThresholds(doc.thresholds, problems, warnings) : undefined;

  if (problems.length) throw new CategoriesError(problems, source);
  return { set: { mode, categories, templates, ...(thresholds && Object.keys(thresholds).length ? { thresholds } : {}) }, warnings };
}

function checkName(v: unknown, at: string, problems: string[]): string | undefined {
  if (v === undefined) {
    problems.push(`${at}.name is missing`);
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push(`${at}.name must be a string (got ${kind(v)})`);
    return undefined;
  }
  const name = v.trim();
  if (!name) {
    problems.push(`${at}.name is empty`);
    return undefined;
  }
  let ok = true;
  if (name.length > MAX_NAME_LENGTH) {
    problems.push(`${at}.name ${quote(name)} is ${name.length} characters; the limit is ${MAX_NAME_LENGTH}`);
    ok = false;
  }
  if (CONTROL.test(name)) {
    problems.push(`${at}.name ${quote(name)} contains a control character (line break, tab, ...)`);
    ok = false;
  }
  if (name.toLowerCase() === ROUTE_REVIEW) {
    problems.push(`${at}.name "${name}" is reserved: "${ROUTE_REVIEW}" is the route for images that fit no category`);
    ok = false;
  }
  return ok ? name : undefined;
}

function checkDescription(v: unknown, at: string, problems: string[]): string | undefined {
  if (v === undefined) {
    problems.push(`${at}.description is missing: say in a sentence what an image of this category shows`);
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push(`${at}.description must be a string (got ${kind(v)})`);
    return undefined;
  }
  const description = v.trim();
  if (!description) {
    problems.push(`${at}.description is empty: say in a sentence what an image of this category shows`);
    return undefined;
  }
  return description;
}

function checkTemplate(v: unknown, at: string, problems: string[]): string | undefined {
  if (typeof v !== 'string') {
    problems.push(`${at} must be a string (got ${kind(v)})`);
    return undefined;
  }
  const t = v.trim();
  if (!t) {
    problems.push(`${at} is empty`);
    return undefined;
  }
  let ok = true;
  let known = 0;
  for (const m of t.matchAll(PLACEHOLDER)) {
    if (m[1] === 'name' || m[1] === 'description') known++;
    else {
      problems.push(`${at} ${quote(t)} has unknown placeholder {${m[1]}}; use {name} or {description}`);
      ok = false;
    }
  }
  if (known === 0 && ok) {
    problems.push(`${at} ${quote(t)} has no {name} or {description} placeholder`);
    ok = false;
  }
  return ok ? t : undefined;
}
