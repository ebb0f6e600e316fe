// Page helpers that drive the VS Code workbench the way a person does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { OUTPUT_DIR, themeId } from './paths';

/** Escapes text for use inside a RegExp. */
function re(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Opens the workbench on `folder` and waits until it is usable: the colour theme from
 * the (built-in) theme extension is applied, which happens only after the extensions
 * have been scanned, and the Explorer lists the folder's entries.
 */
export async function openWorkbench(page: Page, url: string, folder: string, timeoutMs = 120_000): Promise<void> {
  const abs = path.resolve(folder);
  await page.goto(`${url}/?folder=${encodeURIComponent(abs)}`, { timeout: timeoutMs });
  await page.locator('.monaco-workbench[class*="vscode-theme-"]').waitFor({ timeout: timeoutMs });
  const explorer = page.locator('.explorer-folders-view');
  await explorer.waitFor({ timeout: timeoutMs });
  if (fs.readdirSync(abs).length > 0) {
    await explorer.getByRole('treeitem').first().waitFor({ timeout: timeoutMs });
  }
}

/** A tree row (Explorer or any tree view) by its exact accessible name. */
export function treeItem(page: Page, name: string): Locator {
  return page.getByRole('treeitem', { name, exact: true }).first();
}

const lastRightClicked = new WeakMap<Page, Locator>();

/** Right-clicks a tree row and waits for a context menu to open. */
export async function rightClickTreeItem(page: Page, name: string, timeoutMs = 30_000): Promise<void> {
  const item = treeItem(page, name);
  await item.waitFor({ timeout: timeoutMs });
  lastRightClicked.set(page, item);
  // A right-click can be lost while the workbench is busy: click again until a menu opens.
  await waitUntil(`a context menu on "${name}"`, async () => {
    await item.click({ button: 'right' });
    return page.getByRole('menu').first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
  }, timeoutMs);
}

function contextMenuItem(page: Page, title: string): Locator {
  return page
    .getByRole('menu')
    .getByRole('menuitem')
    .filter({ has: page.locator('.action-label', { hasText: new RegExp(`^${re(title)}$`) }) })
    .first();
}

async function visibleMenuTitles(page: Page): Promise<string[]> {
  return (await page.getByRole('menu').locator('.action-label').allTextContents()).filter((t) => t.trim());
}

async function menuClosed(page: Page, timeoutMs: number): Promise<boolean> {
  return page
    .getByRole('menu')
    .first()
    .waitFor({ state: 'hidden', timeout: timeoutMs })
    .then(() => true, () => false);
}

/**
 * Clicks an item of the open context menu. Items contributed by extensions show up a
 * couple of seconds after the Explorer, so while the item is missing this closes the
 * menu and right-clicks the last row from rightClickTreeItem again. A click can be
 * swallowed while the menu rebuilds, so it clicks until the menu closes.
 */
export async function clickContextMenuItem(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const item = contextMenuItem(page, title);
    const shown = await item.waitFor({ timeout: 1_500 }).then(() => true, () => false);
    if (!shown) {
      const target = lastRightClicked.get(page);
      if (!target) throw new Error(`no context menu item "${title}" and no row to right-click again`);
      await page.keyboard.press('Escape');
      await target.click({ button: 'right' });
      continue;
    }
    if ((await item.getAttribute('aria-disabled')) === 'true') {
      throw new Error(`context menu item "${title}" is disabled`);
    }
    await item.click({ timeout: 2_000 }).catch(() => undefined);
    if (await menuClosed(page, 1_000)) return;
  }
  throw new Error(`context menu item "${title}" not found within ${timeoutMs} ms; menu shows: ${(await visibleMenuTitles(page)).join(' | ')}`);
}

/** Right-click `rowName`, then click `title` in its context menu. */
export async function contextMenuAction(page: Page, rowName: string, title: string): Promise<void> {
  await rightClickTreeItem(page, rowName);
  await clickContextMenuItem(page, title);
}

function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/**
 * An option of the open quick pick whose label or description is exactly `label`. (Its
 * aria-label adds keybindings etc.; the colour theme picker shows "Light Modern" with the
 * settings name "Default Light Modern" as description.)
 */
function quickPickOption(page: Page, label: string): Locator {
  const exact = new RegExp(`^${re(label)}$`);
  return quickInput(page)
    .getByRole('option')
    .filter({ has: page.locator('.label-name, .label-description', { hasText: exact }) })
    .first();
}

async function pickOption(page: Page, text: string, label: string, timeoutMs: number): Promise<void> {
  const input = quickInput(page).locator('.quick-input-box input');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    await input.fill(text);
    const option = quickPickOption(page, label);
    if (await option.waitFor({ timeout: 2_000 }).then(() => true, () => false)) {
      await option.click();
      return;
    }
  }
  const seen = await quickInput(page).getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
  throw new Error(`quick pick has no "${label}" for "${text}" within ${timeoutMs} ms; it shows: ${seen.join(' | ')}`);
}

async function pickCommand(page: Page, title: string, timeoutMs: number): Promise<void> {
  const widget = quickInput(page);
  // F1 can be lost while the workbench is busy: press it again until the palette shows.
  await waitUntil('the Command Palette to open', async () => {
    if (await widget.isVisible()) return true;
    await page.keyboard.press('F1');
    return widget.waitFor({ timeout: 3_000 }).then(() => true, () => false);
  }, 30_000);
  // Commands contributed by an extension appear once its manifest is loaded: pickOption retries.
  await pickOption(page, `>${title}`, title, timeoutMs);
}

/**
 * Opens the Command Palette (F1), types `title` and runs the command with exactly that
 * title. Returns once the palette has closed (or the command opened its own quick pick).
 */
export async function runCommandFromPalette(page: Page, title: string, timeoutMs = 30_000): Promise<void> {
  await pickCommand(page, title, timeoutMs);
  const input = quickInput(page).locator('.quick-input-box input');
  await waitUntil(
    'the Command Palette to close',
    async () => !(await quickInput(page).isVisible()) || !(await input.inputValue()).startsWith('>'),
    15_000,
  );
}

export type ThemeKind = 'vs' | 'vs-dark' | 'hc-black' | 'hc-light';

/** The kind of the active colour theme, from the workbench's class list. */
export async function themeKind(page: Page): Promise<ThemeKind> {
  const cls = (await page.locator('.monaco-workbench').getAttribute('class')) ?? '';
  const kinds: ThemeKind[] = ['vs-dark', 'hc-black', 'hc-light', 'vs'];
  return kinds.find((k) => cls.split(/\s+/).includes(k)) ?? 'vs';
}

/**
 * Picks a colour theme by its settings name (e.g. "Default Dark Modern", as in
 * `workbench.colorTheme`) or its label in the picker ("Dark Modern") through
 * "Preferences: Color Theme" and returns the resulting theme kind. To start in a theme
 * instead, pass `settings: { 'workbench.colorTheme': name }` to startCodeServer.
 */
export async function setTheme(page: Page, themeName: string, timeoutMs = 30_000): Promise<ThemeKind> {
  const before = await page.locator('.monaco-workbench').getAttribute('class');
  await runCommandFromPalette(page, 'Preferences: Color Theme', timeoutMs);
  const id = themeId(themeName);
  await pickOption(page, id, id, timeoutMs);
  await quickInput(page).waitFor({ state: 'hidden', timeout: 30_000 });
  // The class list changes when the theme is applied (unless it already was the theme).
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await page.locator('.monaco-workbench').getAttribute('class')) === before) {
    await sleep(100);
  }
  const kind = await themeKind(page);
  await webviewsThemed(page, kind);
  return kind;
}

const WEBVIEW_THEME_CLASS: Record<ThemeKind, string> = { vs: 'vscode-light', 'vs-dark': 'vscode-dark', 'hc-black': 'vscode-high-contrast', 'hc-light': 'vscode-high-contrast-light' };

/** Waits until every open webview's body carries the theme's class (they restyle after the workbench). */
export async function webviewsThemed(page: Page, kind: ThemeKind, timeoutMs = 15_000): Promise<void> {
  const want = WEBVIEW_THEME_CLASS[kind];
  await waitUntil(`the webviews to take the ${kind} theme`, async () => {
    for (const f of page.frames()) {
      const cls = await f.evaluate(() => document.body?.className ?? '').catch(() => '');
      if (/\bvscode-(light|dark|high-contrast)/.test(cls) && !cls.split(/\s+/).includes(want)) return false;
    }
    return true;
  }, timeoutMs);
}

/**
 * Opens the Extensions view on "@enabled" and waits until it lists `displayName` (e.g.
 * "Image Triage"): proof that VS Code found and enabled the extension.
 */
export async function waitForEnabledExtension(page: Page, displayName: string, timeoutMs = 30_000): Promise<void> {
  await runCommandFromPalette(page, 'Extensions: Show Enabled Extensions', timeoutMs);
  const rows = page.locator('.extensions-viewlet').getByRole('listitem');
  // aria-label: "<display name>, <version>, Publisher <publisher>, <description>"
  const row = rows.filter({ has: page.locator('.name', { hasText: new RegExp(`^${re(displayName)}$`) }) });
  const found = await row.first().waitFor({ timeout: timeoutMs }).then(() => true, () => false);
  if (!found) {
    const listed = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`"${displayName}" is not listed as enabled after ${timeoutMs} ms; listed: ${listed.join(' | ')}`);
  }
}

/** The frame inside the active webview (the page the extension's HTML renders in). */
export function webviewFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/** Saves a PNG of the page under test-output/e2e/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  const file = path.join(OUTPUT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Polls `check` until it returns a truthy value or the time runs out. */
export async function waitUntil<T>(what: string, check: () => T | Promise<T>, timeoutMs = 30_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await sleep(200);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

/**
 * Records what would betray injected markup running: script dialogs (dismissed) and CSP reports.
 * The arrays fill as the page runs.
 */
export function watchPage(page: Page): { dialogs: string[]; csp: string[] } {
  const dialogs: string[] = [];
  const csp: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply)/i.test(m.text())) csp.push(`${m.location().url}: ${m.text()}`);
  });
  return { dialogs, csp };
}

/**
 * The text of the notification containing `text`: a toast, or (newer VS Code may file it straight
 * into the notification centre, e.g. while the chat view has focus) the notification centre's entry.
 */
export async function notificationText(page: Page, text: string, timeoutMs = 30_000): Promise<string> {
  const toast = page.locator('.notifications-toasts .notification-toast').filter({ hasText: text }).first();
  const center = page.locator('.notifications-center .notification-list-item').filter({ hasText: text }).first();
  const deadline = Date.now() + timeoutMs;
  let opened = false;
  while (Date.now() < deadline) {
    if (await toast.isVisible().catch(() => false)) return (await toast.innerText()).replace(/\s+/g, ' ');
    if (await center.isVisible().catch(() => false)) {
      const t = (await center.innerText()).replace(/\s+/g, ' ');
      await page.keyboard.press('Escape');
      return t;
    }
    if (!opened && Date.now() > deadline - timeoutMs / 2) {
      opened = true;
      await runCommandFromPalette(page, 'Notifications: Show Notifications').catch(() => undefined);
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no notification containing "${text}" within ${timeoutMs} ms`);
}
