// A small argv parser: positionals, --flag, --key value, --key=value, and multi-value flags
// (`--label a b`) that take values until the next --flag.
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string[]>;
}

export interface ArgSpec {
  /** Flags without a value. */
  booleans?: string[];
  /** Flags with exactly one value. */
  values?: string[];
  /** Flags taking one or more values. */
  lists?: string[];
}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Map<string, string[]>();
  const known = new Set([...(spec.booleans ?? []), ...(spec.values ?? []), ...(spec.lists ?? [])]);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
    const inline = eq < 0 ? undefined : a.slice(eq + 1);
    if (spec.booleans?.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      flags.set(name, []);
    } else if (spec.values?.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`);
      flags.set(name, [v]);
    } else {
      const vals = inline !== undefined ? [inline] : [];
      while (inline === undefined && i + 1 < argv.length && !argv[i + 1].startsWith('--')) vals.push(argv[++i]);
      if (!vals.length) throw new UsageError(`--${name} needs at least one value`);
      flags.set(name, [...(flags.get(name) ?? []), ...vals]);
    }
  }
  return { positionals, flags };
}

export const flag = (a: ParsedArgs, name: string): string | undefined => a.flags.get(name)?.[0];
export const has = (a: ParsedArgs, name: string): boolean => a.flags.has(name);

export function intFlag(a: ParsedArgs, name: string, min: number, max: number): number | undefined {
  const v = flag(a, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max} (got "${v}")`);
  return n;
}

export function numberFlag(a: ParsedArgs, name: string): number | undefined {
  const v = flag(a, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number (got "${v}")`);
  return n;
}

export function choiceFlag<T extends string>(a: ParsedArgs, name: string, choices: readonly T[]): T | undefined {
  const v = flag(a, name);
  if (v === undefined) return undefined;
  if (!choices.includes(v as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got "${v}")`);
  return v as T;
}

export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * A command with its own usage text: `help`, `--help` or `-h` (before a `--`) prints it (exit 0); a
 * UsageError prints the message and the usage (exit 1, nothing written); other errors propagate.
 */
export function withUsage(usage: string, run: (argv: string[], io: CliIO) => Promise<number>) {
  return async (argv: string[], io: CliIO): Promise<number> => {
    const dashes = argv.indexOf('--');
    if (argv[0] === 'help' || argv.slice(0, dashes < 0 ? undefined : dashes).some((x) => x === '--help' || x === '-h')) {
      io.out(usage + '\n');
      return 0;
    }
    try {
      return await run(argv, io);
    } catch (e) {
      if (e instanceof UsageError) {
        io.err(`error: ${e.message}\n${usage}\n`);
        return 1;
      }
      throw e;
    }
  };
}
