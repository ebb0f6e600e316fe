// The common start of the panel scenarios: code-server on a workspace with the tiny model, the
// workbench open, "Classify Images" on one folder, the run done, the toasts cleared.
import type { FrameLocator, Page } from 'playwright-core';
import { startCodeServer } from './code-server';
import type { ScenarioContext } from './scenario';
import { clickContextMenuItem, openWorkbench, rightClickTreeItem, runCommandFromPalette, watchPage, webviewFrame } from './workbench';

export interface ClassifiedPanel {
  page: Page;
  frame: FrameLocator;
  /** Dialogs a page script opened, and CSP reports: both must stay empty. */
  dialogs: string[];
  csp: string[];
}

export async function classifyInPanel(t: ScenarioContext, ws: string, folderName: string, settings: Record<string, unknown> = {}, env?: Record<string, string>): Promise<ClassifiedPanel> {
  const server = await startCodeServer({ folder: ws, settings: { 'imageTriage.model': 'models/tiny-clip', 'workbench.colorTheme': 'Default Dark Modern', ...settings }, ...(env ? { env } : {}) });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  const { dialogs, csp } = watchPage(page);
  await openWorkbench(page, server.url, ws);
  await rightClickTreeItem(page, folderName);
  await clickContextMenuItem(page, 'Classify Images');
  const frame = webviewFrame(page);
  await frame.locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  await runCommandFromPalette(page, 'Notifications: Clear All Notifications');
  return { page, frame, dialogs, csp };
}
