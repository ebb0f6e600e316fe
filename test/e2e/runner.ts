// Runs end-to-end scenarios: node --import tsx test/e2e/runner.ts [files...]
// With no files it runs test/e2e/*.e2e.ts. E2E_GREP=text runs only scenarios whose name
// contains text. Prints PASS/FAIL per scenario and a last line "N passed, M failed";
// exits non-zero on any failure (or when nothing ran).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage } from './browser';
import { runningServers, stopAllCodeServers } from './code-server';
import { hostLogTails } from './hostLogs';
import { startPeakSampler } from './proc';
import { scenarios, setCurrentFile, type Scenario, type ScenarioContext } from './scenario';
import { tempDir } from './fixtures';
import { OUTPUT_DIR } from './paths';
import { screenshot } from './workbench';

const E2E_DIR = __dirname;

// All temp dirs of this run live in one place, removed on exit even after a crash.
// (run.sh makes it and removes it too, in case this process is killed outright.)
if (!process.env.E2E_TMP_ROOT) {
  process.env.E2E_TMP_ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-run-'));
  process.on('exit', () => {
    if (!process.env.E2E_KEEP_TMP) fs.rmSync(process.env.E2E_TMP_ROOT!, { recursive: true, force: true });
  });
}

function testFiles(args: string[]): string[] {
  if (args.length) return args.map((a) => path.resolve(a));
  return fs
    .readdirSync(E2E_DIR)
    .filter((f) => f.endsWith('.e2e.ts'))
    .sort()
    .map((f) => path.join(E2E_DIR, f));
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function runScenario(s: Scenario, browser: Browser): Promise<void> {
  const pages: Page[] = [];
  const contexts: BrowserContext[] = [];
  const dirs: string[] = [];
  const cleanups: Array<() => unknown> = [];
  const started = Date.now();
  // The step a failure happened in: the scenario's last log line (or step), with when it began.
  let step = { name: '(before the first step)', at: started };
  const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const t: ScenarioContext = {
    browser,
    async newPage() {
      const page = await newPage(browser);
      pages.push(page);
      contexts.push(page.context());
      return page;
    },
    tempDir(prefix) {
      const d = tempDir(prefix);
      dirs.push(d);
      return d;
    },
    cleanup(fn) {
      cleanups.push(fn);
    },
    log(message) {
      step = { name: message, at: Date.now() };
      console.log(`    ${message}`);
    },
    step(name) {
      step = { name, at: Date.now() };
      console.log(`    step: ${name}`);
    },
  };
  try {
    await withTimeout(s.run(t), s.timeoutMs, `scenario "${s.name}"`);
  } catch (e) {
    // Leave evidence: where it failed, how long it took, what the page looked like, code-server's log.
    console.log(`    FAILED in scenario "${s.name}" at step "${step.name}" (step began ${secs(step.at - started)} in; failed after ${secs(Date.now() - started)})`);
    // The error first, so that a log cut short still says what went wrong.
    console.log(`    error: ${(e instanceof Error ? e.message : String(e)).split('\n').filter((l) => l.trim()).slice(0, 8).join(' | ')}`);
    for (const [i, page] of pages.entries()) {
      const file = await screenshot(page, `FAIL-${s.name}-${i}`).catch(() => null);
      if (file) console.log(`    screenshot: ${path.relative(process.cwd(), file)}`);
    }
    for (const server of runningServers()) {
      console.log(`    --- code-server log (${server.url}), last 25 lines ---`);
      console.log(server.log().trimEnd().split('\n').slice(-25).map((l) => `    | ${l}`).join('\n'));
      for (const block of hostLogTails(server.userDataDir)) console.log(block);
    }
    for (const page of pages) {
      const toasts = await page.locator('.notification-list-item-message').allTextContents().catch(() => []);
      if (toasts.length) console.log(`    notifications: ${toasts.join(' | ')}`);
    }
    throw e;
  } finally {
    for (const fn of cleanups.reverse()) {
      await Promise.resolve()
        .then(fn)
        .catch((e) => console.log(`    cleanup failed: ${String(e)}`));
    }
    await Promise.all(contexts.map((c) => c.close().catch(() => undefined)));
    await stopAllCodeServers();
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  for (const file of testFiles(process.argv.slice(2))) {
    setCurrentFile(path.relative(process.cwd(), file));
    await import(pathToFileURL(file).href);
  }
  const grep = process.env.E2E_GREP;
  const selected = grep ? scenarios.filter((s) => s.name.includes(grep)) : scenarios;
  if (!selected.length) {
    console.log('no e2e scenarios found');
    console.log('0 passed, 0 failed');
    return 1;
  }

  // Failure screenshots from an earlier run would mislead.
  if (fs.existsSync(OUTPUT_DIR)) {
    for (const f of fs.readdirSync(OUTPUT_DIR)) if (f.startsWith('FAIL-')) fs.rmSync(path.join(OUTPUT_DIR, f));
  }
  const memory = startPeakSampler();
  const browser = await launchBrowser();
  let passed = 0;
  let failed = 0;
  try {
    for (const s of selected) {
      const started = Date.now();
      memory.reset();
      console.log(`RUN  ${s.name}  (${s.file})`);
      try {
        await runScenario(s, browser);
        passed++;
        console.log(`PASS ${s.name}  (${((Date.now() - started) / 1000).toFixed(1)} s, peak memory ${memory.peak()} MiB)`);
      } catch (e) {
        failed++;
        console.log(`    ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`.replace(/\n/g, '\n    '));
        console.log(`FAIL ${s.name}  (${((Date.now() - started) / 1000).toFixed(1)} s, peak memory ${memory.peak()} MiB)`);
      }
    }
  } finally {
    memory.stop();
    await browser.close().catch(() => undefined);
    await stopAllCodeServers();
  }
  console.log(`${passed} passed, ${failed} failed`);
  return failed ? 1 : 0;
}

async function abort(signal: NodeJS.Signals): Promise<void> {
  console.log(`\n${signal}: stopping code-server`);
  await stopAllCodeServers();
  process.exit(130);
}
process.once('SIGINT', abort);
process.once('SIGTERM', abort);

main().then(
  (code) => process.exit(code),
  async (e) => {
    console.error(e);
    await stopAllCodeServers();
    console.log('0 passed, 1 failed');
    process.exit(1);
  },
);
