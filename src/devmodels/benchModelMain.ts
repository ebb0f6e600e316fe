// CLI: generate the random-weight clip-vit-base-patch32 bench model, then verify and time it.
//   npx tsx src/devmodels/benchModelMain.ts [outDir] [--source DIR] [--seed N] [--batch N] [--no-verify | --verify-only]
import { DEFAULT_BENCH_OUT, DEFAULT_BENCH_SEED, DEFAULT_BENCH_SOURCE, generateBenchModel } from './benchModel';
import { verifyBenchModel } from './benchModelVerify';

interface Args {
  outDir: string;
  source: string;
  seed: number;
  verify: boolean;
  generate: boolean;
  batch: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { outDir: DEFAULT_BENCH_OUT, source: DEFAULT_BENCH_SOURCE, seed: DEFAULT_BENCH_SEED, verify: true, generate: true, batch: 8 };
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--source') args.source = value();
    else if (a === '--seed') args.seed = Number(value());
    else if (a === '--batch') args.batch = Number(value());
    else if (a === '--no-verify') args.verify = false;
    else if (a === '--verify-only') args.generate = false;
    else if (a === '--help' || a === '-h') {
      console.log('usage: benchModelMain [outDir] [--source DIR] [--seed N] [--batch N] [--no-verify | --verify-only]');
      process.exit(0);
    } else if (a.startsWith('--')) throw new Error(`unknown option ${a}`);
    else positional.push(a);
  }
  if (positional.length > 1) throw new Error('expected at most one output directory');
  if (positional[0]) args.outDir = positional[0];
  if (!Number.isInteger(args.seed) || !Number.isInteger(args.batch) || args.batch < 1) throw new Error('--seed and --batch take integers');
  return args;
}

const fmt = (n: number) => n.toLocaleString('en-US');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  if (args.generate) {
    console.log(`generating random-weight clip-vit-base-patch32 into ${args.outDir} (seed ${args.seed})`);
    const r = await generateBenchModel(args.outDir, { sourceDir: args.source, seed: args.seed, log: (l) => console.log(`  ${l}`) });
    const p = r.expected;
    console.log(`parameters: vision tower ${fmt(p.vision)}, text tower ${fmt(p.text)}, logit_scale 1, total ${fmt(p.total)}`);
    console.log(`generation took ${(r.totalMs / 1000).toFixed(1)} s`);
  }
  if (!args.verify) return;
  console.log(`verifying through transformers.js (batch ${args.batch}):`);
  await verifyBenchModel(args.outDir, { batch: args.batch, log: (l) => console.log(`  ${l}`) });
  console.log('ok');
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
