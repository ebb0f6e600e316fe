// How *.e2e.ts files declare scenarios. runner.ts imports the files, then runs what they
// registered, one at a time.
import type { Browser, Page } from 'playwright-core';

export interface ScenarioContext {
  /** The shared browser (launched once per run). */
  browser: Browser;
  /** A fresh page in its own browser context; closed after the scenario. */
  newPage(): Promise<Page>;
  /** A new temp dir, removed after the scenario. */
  tempDir(prefix?: string): string;
  /** Runs after the scenario, pass or fail, last registered first. */
  cleanup(fn: () => unknown | Promise<unknown>): void;
  log(message: string): void;
  /** Names the step now running: printed, and named with the elapsed time if the scenario fails. */
  step(name: string): void;
}

export interface Scenario {
  name: string;
  file: string;
  timeoutMs: number;
  run(t: ScenarioContext): Promise<void>;
}

export const scenarios: Scenario[] = [];
let currentFile = '';

/** Set by the runner before it imports each file. */
export function setCurrentFile(file: string): void {
  currentFile = file;
}

/** Declares a scenario. It fails if it throws or takes longer than `timeoutMs` (default 120 s). */
export function scenario(name: string, run: (t: ScenarioContext) => Promise<void>, opts: { timeoutMs?: number } = {}): void {
  scenarios.push({ name, file: currentFile, timeoutMs: opts.timeoutMs ?? 120_000, run });
}
