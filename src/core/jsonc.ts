// JSON with comments ("JSONC"), as written by people and by the extension's commented example files.
// Accepts standard JSON plus `// line` and `/* block */` comments and trailing commas before `}` or `]`.
// Comment markers inside strings (e.g. "https://example.com") are string content, not comments.
// Errors carry a 1-based line and column so a user can find the mistake in their editor.

export class JsoncSyntaxError extends Error {
  constructor(
    readonly reason: string,
    /** 1-based. */
    readonly line: number,
    /** 1-based, in UTF-16 code units. */
    readonly column: number,
    readonly offset: number,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
    this.name = 'JsoncSyntaxError';
  }
}

export interface JsoncResult {
  value: unknown;
  /** Non-fatal findings, e.g. a key given twice in one object (the last one wins, as in JSON.parse). */
  warnings: string[];
}

const MAX_DEPTH = 512;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** 1-based line and column of a UTF-16 offset. `\r\n`, `\n` and a lone `\r` each end a line. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Parse JSONC text. Throws JsoncSyntaxError with the line and column of the first mistake. */
export function parseJsonc(input: string): JsoncResult {
  // A leading byte-order mark is not part of the document.
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const warnings: string[] = [];
  let pos = 0;

  const fail = (reason: string, at = pos): never => {
    const { line, column } = lineColumn(text, at);
    throw new JsoncSyntaxError(reason, line, column, at);
  };

  const describe = (at: number): string => {
    if (at >= text.length) return 'end of file';
    return JSON.stringify(text[at]);
  };

  const skipSpaceAndComments = (): void => {
    for (;;) {
      const c = text[pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
        pos++;
      } else if (c === '/' && text[pos + 1] === '/') {
        pos += 2;
        while (pos < text.length && text[pos] !== '\n' && text[pos] !== '\r') pos++;
      } else if (c === '/' && text[pos + 1] === '*') {
        const end = text.indexOf('*/', pos + 2);
        if (end < 0) fail('unterminated /* comment', pos);
        pos = end + 2;
      } else {
        return;
      }
    }
  };

  const parseString = (): string => {
    const start = pos;
    pos++; // opening quote
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 34 /* " */) {
        pos++;
        return JSON.parse(text.slice(start, pos)) as string;
      }
      if (c < 0x20) fail('line break or control character inside a string (write it as an escape such as \\n)');
      if (c === 92 /* \ */) {
        const e = text[pos + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(pos + 2, pos + 6))) fail('invalid \\u escape in string');
          pos += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          pos += 2;
        } else {
          fail(`invalid escape \\${e ?? ''} in string`);
        }
      } else {
        pos++;
      }
    }
  };

  const parseValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail('nested too deeply');
    skipSpaceAndComments();
    const c = text[pos];
    if (c === '{') return parseObject(depth);
    if (c === '[') return parseArray(depth);
    if (c === '"') return parseString();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) {
      NUMBER.lastIndex = pos;
      const m = NUMBER.exec(text);
      if (!m) return fail('invalid number');
      pos += m[0].length;
      return Number(m[0]);
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, pos)) {
        pos += word.length;
        return value;
      }
    }
    if (c === "'") return fail("strings must use double quotes, not '");
    if (c === undefined) return fail('unexpected end of file, expected a value');
    return fail(`unexpected ${describe(pos)}, expected a value`);
  };

  const parseObject = (depth: number): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    const seen = new Set<string>();
    pos++; // {
    skipSpaceAndComments();
    if (text[pos] === '}') {
      pos++;
      return obj;
    }
    for (;;) {
      skipSpaceAndComments();
      if (text[pos] !== '"') fail(`expected a property name in double quotes, got ${describe(pos)}`);
      const keyAt = pos;
      const key = parseString();
      skipSpaceAndComments();
      if (text[pos] !== ':') fail(`expected ':' after property name ${JSON.stringify(key)}, got ${describe(pos)}`);
      pos++;
      const value = parseValue(depth + 1);
      if (seen.has(key)) {
        const { line, column } = lineColumn(text, keyAt);
        warnings.push(`line ${line}, column ${column}: key ${JSON.stringify(key)} appears twice in one object; the last one is used`);
      }
      seen.add(key);
      // defineProperty so that a key named "__proto__" is data, not a prototype change.
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      skipSpaceAndComments();
      if (text[pos] === ',') {
        pos++;
        skipSpaceAndComments();
        if (text[pos] === '}') {
          pos++;
          return obj;
        }
        continue;
      }
      if (text[pos] === '}') {
        pos++;
        return obj;
      }
      fail(`expected ',' or '}' after a property value, got ${describe(pos)}`);
    }
  };

  const parseArray = (depth: number): unknown[] => {
    const arr: unknown[] = [];
    pos++; // [
    skipSpaceAndComments();
    if (text[pos] === ']') {
      pos++;
      return arr;
    }
    for (;;) {
      arr.push(parseValue(depth + 1));
      skipSpaceAndComments();
      if (text[pos] === ',') {
        pos++;
        skipSpaceAndComments();
        if (text[pos] === ']') {
          pos++;
          return arr;
        }
        continue;
      }
      if (text[pos] === ']') {
        pos++;
        return arr;
      }
      fail(`expected ',' or ']' after an array element, got ${describe(pos)}`);
    }
  };

  skipSpaceAndComments();
  if (pos >= text.length) fail('the file is empty, expected a JSON object');
  const value = parseValue(0);
  skipSpaceAndComments();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the end of the JSON value`);
  return { value, warnings };
}
