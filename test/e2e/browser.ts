// Debian's chromium driven by playwright-core (never `npx playwright install`: it downloads).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM, tmpRoot } from './paths';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found; run bash test/e2e/setup.sh`);
  // Chromium writes crash-report and dconf dirs under XDG config/cache: keep them out of ~.
  const home = fs.mkdtempSync(path.join(tmpRoot(), 'e2e-chromium-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    // Playwright hides scrollbars in headless mode; users see them (and the grid's is dragged).
    ignoreDefaultArgs: ['--hide-scrollbars'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache') },
    // The runner handles signals and closes the browser itself.
    handleSIGINT: false,
    handleSIGTERM: false,
  });
  browser.on('disconnected', () => fs.rmSync(home, { recursive: true, force: true }));
  return browser;
}

/** A fresh page in its own context, sized like a laptop screen. */
export async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  return context.newPage();
}
