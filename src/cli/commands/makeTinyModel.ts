// `image-triage make-tiny-model <dir> [--kind clip|siglip]`: writes a tiny, colour-only CLIP or
// SigLIP model (a few KB) that loads through the same code as real checkpoints. For demos and tests
// on machines that cannot download real weights.
import * as path from 'node:path';
import { writeTinyModel } from '../../devmodels/tinyModel';
import { UsageError, choiceFlag, parseArgs, type CliIO } from '../args';

export const MAKE_TINY_MODEL_ARGS = { values: ['kind'] };
export const MAKE_TINY_MODEL_USAGE = 'usage: image-triage make-tiny-model <dir> [--kind clip|siglip]   (a tiny colour-only test model)';

export async function makeTinyModelCommand(argv: string[], io: CliIO): Promise<number> {
  const a = parseArgs(argv, MAKE_TINY_MODEL_ARGS);
  if (a.positionals.length !== 1) throw new UsageError('make-tiny-model takes one output directory');
  const kind = choiceFlag(a, 'kind', ['clip', 'siglip'] as const) ?? 'clip';
  const dir = path.resolve(a.positionals[0]);
  await writeTinyModel(dir, { kind });
  io.out(`wrote a tiny ${kind} model to ${dir} (it only knows colour words: red, green, blue, …)\n`);
  return 0;
}
