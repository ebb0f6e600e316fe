// The `image-triage` command line: a headless front end over the same core as the extension.
import { CategoriesError } from '../core/categories';
import { ModelLoadError } from '../classifiers/zeroShot';
import { UsageError, type CliIO } from './args';
import { CLASSIFY_USAGE, classifyCommand } from './commands/classify';
import { REVIEW_USAGE, reviewCommand } from './commands/review';
import { SHOW_USAGE, showCommand } from './commands/show';
import { AUDIT_USAGE, auditCommand } from './commands/audit';
import { REPORT_USAGE, reportCommand } from './commands/report';
import { MAKE_TINY_MODEL_USAGE, makeTinyModelCommand } from './commands/makeTinyModel';
import { MODEL_INFO_USAGE, modelCommand } from './commands/modelInfo';
import { EXPORT_USAGE, exportCommand } from './commands/export';
import { certifyCommand } from './commands/certify';
import { acceptCommand } from './commands/accept';
import { adaptCommand } from './commands/adapt';
import { SEARCH_USAGE, searchCommand } from './commands/search';
import { EVAL_USAGE, evalCommand } from './commands/eval';
import { CACHE_USAGE, cacheCommand } from './commands/cache';

const VERSION = '0.1.0';

const HELP = `image-triage ${VERSION} — classify, review and audit image folders

${CLASSIFY_USAGE}
${REVIEW_USAGE}
${SEARCH_USAGE}
${SHOW_USAGE}
${AUDIT_USAGE}
usage: image-triage certify <folder> --max-error 0.02 [--classifier …] [--threshold T] [--size N] [--seed S] [--json]
usage: image-triage accept <folder> --auto --max-error 0.02 [--json] | accept <folder> --undo <run id>
usage: image-triage adapt <folder> [--json] [--dry-run] [--force] [--model …] [--dtype …] [--cache-dir …]   (learn from corrections)
${REPORT_USAGE}
${EXPORT_USAGE}
${MODEL_INFO_USAGE}
${EVAL_USAGE}
${CACHE_USAGE}
${MAKE_TINY_MODEL_USAGE}

Exit codes: 0 success, 1 usage/categories/model error (nothing written), 2 some images failed, 130 cancelled.`;

// `<cmd> --help` for the commands whose own parser has no --help (the others print a longer text).
const USAGE_ONLY: Record<string, string> = { review: REVIEW_USAGE, show: SHOW_USAGE, model: MODEL_INFO_USAGE, cache: CACHE_USAGE, 'make-tiny-model': MAKE_TINY_MODEL_USAGE };

export async function main(argv: string[], io: CliIO, signal?: AbortSignal): Promise<number> {
  const [cmd, ...args] = argv;
  // --help or -h anywhere before a `--` prints the command's help.
  const dashes = args.indexOf('--');
  let rest = args;
  if (cmd && args.slice(0, dashes < 0 ? undefined : dashes).some((a) => a === '--help' || a === '-h')) {
    if (USAGE_ONLY[cmd]) {
      io.out(USAGE_ONLY[cmd] + '\n');
      return 0;
    }
    rest = ['--help']; // anywhere in the line: the command's own help
  }
  try {
    switch (cmd) {
      case 'classify':
        return await classifyCommand(rest, io, signal);
      case 'review':
        return await reviewCommand(rest, io);
      case 'show':
        return await showCommand(rest, io);
      case 'audit':
        return await auditCommand(rest, io);
      case 'report':
        return await reportCommand(rest, io);
      case 'export':
        return await exportCommand(rest, io, signal);
      case 'certify':
        return await certifyCommand(rest, io);
      case 'accept':
        return await acceptCommand(rest, io);
      case 'adapt':
        return await adaptCommand(rest, io);
      case 'search':
        return await searchCommand(rest, io);
      case 'model':
        return await modelCommand(rest, io);
      case 'eval':
        return await evalCommand(rest, io);
      case 'cache':
        return await cacheCommand(rest, io);
      case 'make-tiny-model':
        return await makeTinyModelCommand(rest, io);
      case '--version':
      case '-v':
        io.out(VERSION + '\n');
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(HELP + '\n');
        return cmd === undefined ? 1 : 0;
      default:
        throw new UsageError(`unknown command "${cmd}"`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`error: ${e.message}\nRun "image-triage --help" for usage.\n`);
      return 1;
    }
    if (e instanceof CategoriesError || e instanceof ModelLoadError) {
      io.err(`error: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}

if (require.main === module) {
  const ac = new AbortController();
  let interrupted = 0;
  process.on('SIGINT', () => {
    if (++interrupted > 1) process.exit(130);
    process.stderr.write('\nCancelling after the current batch… (Ctrl+C again to quit now)\n');
    ac.abort();
  });
  const io: CliIO = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    isTTY: !!process.stderr.isTTY,
    env: process.env,
  };
  main(process.argv.slice(2), io, ac.signal).then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`error: ${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
