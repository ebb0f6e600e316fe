// Every command the top-level --help lists answers `<cmd> --help` (and `-h`, and --help after other
// arguments) with its usage and exit 0,
// sub-commands included (`model info --help`, `cache merge --help`); for every command the flags in
// that help are exactly the flags its parser accepts, and the README names each (classify has its
// own, deeper test in classifyFlags.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../support/cli';
import type { ArgSpec } from '../../../src/cli/args';
import { REVIEW_ARGS } from '../../../src/cli/commands/review';
import { SHOW_ARGS } from '../../../src/cli/commands/show';
import { MODEL_INFO_ARGS } from '../../../src/cli/commands/modelInfo';
import { CACHE_ARGS } from '../../../src/cli/commands/cache';
import { MAKE_TINY_MODEL_ARGS } from '../../../src/cli/commands/makeTinyModel';
import { ACCEPT_ARGS } from '../../../src/cli/commands/accept';
import { ADAPT_ARGS } from '../../../src/cli/commands/adapt';
import { AUDIT_MARK_ARGS, AUDIT_SAMPLE_ARGS } from '../../../src/cli/commands/audit';
import { PROBE_ARGS } from '../../../src/cli/commands/probe';
import { CERTIFY_ARGS } from '../../../src/cli/commands/certify';
import { EVAL_ARGS } from '../../../src/cli/commands/eval';
import { EXPORT_ARGS } from '../../../src/cli/commands/export';
import { REPORT_ARGS } from '../../../src/cli/commands/report';
import { SEARCH_ARGS } from '../../../src/cli/commands/search';

const flagsIn = (text: string) => new Set([...text.matchAll(/(?<![\w-])--([a-z][a-z0-9-]*)/g)].map((m) => m[1]));
/** A help quoting another command ("… image-triage audit mark <image> --category-right") names that command's flags, to the end of the line. */
const ownFlags = (help: string, cmd: string) => flagsIn(help.replace(new RegExp(`image-triage (?!${cmd}\\b)[a-z][^\\n]*`, 'g'), ''));

test('every command in image-triage --help answers <cmd> --help, -h, or --help after other arguments with its usage, exit 0', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  const commands = [...new Set([...top.out.matchAll(/usage: image-triage ([a-z-]+(?: (?:info|merge))?)/g)].map((m) => m[1]))];
  for (const c of ['classify', 'review', 'search', 'show', 'audit', 'certify', 'accept', 'adapt', 'report', 'export', 'model info', 'eval', 'cache merge', 'make-tiny-model'])
    assert.ok(commands.includes(c), `${c} is in the top-level help (found ${commands.join(', ')})`);
  for (const c of commands) {
    for (const h of [['--help'], ['-h'], ['some-folder', '--json', '--help']]) {
      const r = await cli([...c.split(' '), ...h]);
      assert.equal(r.code, 0, `${c} ${h}: ${r.err}`);
      assert.match(r.out, new RegExp(`usage: image-triage ${c}`), `${c} ${h}`);
      assert.equal(r.err, '', `${c} ${h}`);
    }
  }
});

const union = (...specs: ArgSpec[]): ArgSpec => ({ booleans: specs.flatMap((x) => x.booleans ?? []), values: specs.flatMap((x) => [...(x.values ?? []), ...(x.lists ?? [])]) });
const SPECS: [string[], ArgSpec][] = [
  [['review'], REVIEW_ARGS],
  [['show'], SHOW_ARGS],
  [['model', 'info'], MODEL_INFO_ARGS],
  [['cache', 'merge'], CACHE_ARGS],
  [['make-tiny-model'], MAKE_TINY_MODEL_ARGS],
  [['search'], SEARCH_ARGS],
  [['certify'], CERTIFY_ARGS],
  [['accept'], ACCEPT_ARGS],
  [['adapt'], ADAPT_ARGS],
  [['report'], REPORT_ARGS],
  [['export'], EXPORT_ARGS],
  [['eval'], EVAL_ARGS],
  // `audit --help` shows its three sub-commands together.
  [['audit'], union(AUDIT_SAMPLE_ARGS, AUDIT_MARK_ARGS, PROBE_ARGS)],
];

test('every command but classify (its own test): --help lists exactly the flags the parser accepts; the README names each', async () => {
  const readme = flagsIn(await fs.readFile(path.resolve(__dirname, '../../../README.md'), 'utf8'));
  for (const [cmd, spec] of SPECS) {
    const accepted = new Set([...(spec.booleans ?? []), ...(spec.values ?? []), ...(spec.lists ?? [])]);
    const listed = ownFlags((await cli([...cmd, '--help'])).out, cmd.join(' '));
    const name = cmd.join(' ');
    assert.deepEqual([...accepted].filter((f) => !listed.has(f)).sort(), [], `${name}: accepted but not in --help`);
    assert.deepEqual([...listed].filter((f) => !accepted.has(f)).sort(), [], `${name}: in --help but refused by the parser`);
    assert.deepEqual([...accepted].filter((f) => !readme.has(f)).sort(), [], `${name}: accepted but not in the README`);
  }
});
