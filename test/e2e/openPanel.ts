// "Open Review Panel" from the Explorer, with the extension's log as the witness: on a loaded
// machine a context-menu click can close the menu without running the command. When the log
// shows the command never started, the click is made again (opening the panel is idempotent);
// when it started, what follows is the scenario's to check.
import type { Page } from 'playwright-core';
import type { CodeServer } from './code-server';
import { extensionLog } from './hostLogs';
import { clickContextMenuItem, rightClickTreeItem, waitUntil } from './workbench';

const MARK = /Open Review Panel: /g;

export async function openReviewPanelFromExplorer(page: Page, server: CodeServer, row: string, menuTimeoutMs = 30_000): Promise<void> {
  const runs = () => (extensionLog(server.userDataDir).match(MARK) ?? []).length;
  const before = runs();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await rightClickTreeItem(page, row);
    await clickContextMenuItem(page, 'Open Review Panel', menuTimeoutMs);
    const ran = await waitUntil('the extension to log "Open Review Panel"', () => runs() > before, 20_000).then(() => true, () => false);
    if (ran) return;
    console.log(`    "Open Review Panel" was clicked (attempt ${attempt}) but the extension's log shows no run of it`);
  }
  throw new Error(`"Open Review Panel" on "${row}" was clicked 3 times and the extension never ran it (no "Open Review Panel:" line in its log)`);
}
