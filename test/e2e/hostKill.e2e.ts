// Chaos in the real VS Code: the extension host is `kill -9`ed while the review panel is deciding, five
// times. After each kill: every decision the panel showed as saved (a card's status comes from the
// host after the write) is on disk (as the current status, or in the review history when a later
// decision on the same image replaced it), every sidecar parses and validates; then the extension host is
// restarted, the panel reopened, a new decision saved, and no temp file or lock is left once it is.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { FrameLocator, Page } from 'playwright-core';
import { type CodeServer, openReviewPanelFromExplorer, openWorkbench, runCommandFromPalette, scenario, startCodeServer, waitUntil, webviewFrame } from './harness';
import { processTree } from './proc';
import { solidColorPng } from '../../src/devmodels/tinyModel';
import { newSidecar } from '../../src/core/sidecar';
import { readSidecar, writeSidecar } from '../../src/core/sidecarStore';
import { isLeftoverName } from '../../src/core/leftovers';
import { mulberry32 } from '../../src/core/audit/prng';
import type { Prediction } from '../../src/core/types';

const COLOURS = ['red', 'green', 'blue'];
const KILLS = 5;
const IMAGES = 9;

function extensionHosts(root: number): number[] {
  return processTree(root).filter((pid) => {
    try {
      return /extensionHost/.test(fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8'));
    } catch {
      return false;
    }
  });
}

async function folderWithPredictions(ws: string): Promise<{ folder: string; ids: string[] }> {
  const folder = path.join(ws, 'photos');
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: COLOURS.map((c) => ({ name: c, description: `a ${c} square` })) }));
  const ids: string[] = [];
  for (let i = 0; i < IMAGES; i++) {
    const c = COLOURS[i % 3];
    const id = `img${i}.png`;
    const bytes = await solidColorPng(c, 40 + i);
    fs.writeFileSync(path.join(folder, id), bytes);
    const sha = createHash('sha256').update(bytes).digest('hex');
    const sc = newSidecar({ name: id, sha256: sha, size: bytes.length });
    sc.predictions['zero-shot'] = {
      classifier: 'zero-shot', checkpoint: 'e2e', revision: 'e2e', dtype: 'fp32', categories_hash: 'e2e', mode: 'single_label', created_at: '2026-01-01T00:00:00.000Z', image_sha256: sha, warnings: [],
      predicted_categories: [{ name: c, score: 5, confidence: 'high', visual_evidence: `closest to ${c}` }], fits_any: true,
      category_scores: Object.fromEntries(COLOURS.map((n) => [n, n === c ? 5 : 1])), would_route_to: c, decision_basis: `closest to ${c}`,
    } as Prediction;
    await writeSidecar(path.join(folder, id), sc);
    ids.push(id);
  }
  return { folder, ids };
}

/** The status each card shows now (set from the host's update after the sidecar was written). */
async function shownStatuses(frame: FrameLocator): Promise<Map<string, string>> {
  const rows = await frame.locator('.card').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.id!, (e as HTMLElement).dataset.status!] as [string, string]));
  return new Map(rows);
}

async function openPanel(page: Page, server: CodeServer, frame: FrameLocator): Promise<void> {
  await openReviewPanelFromExplorer(page, server, 'photos');
  await waitUntil('the panel to list the images', async () => (await frame.locator('.counts .total').textContent({ timeout: 2_000 }).catch(() => '')) === `${IMAGES} images`, 60_000);
  await frame.locator('.card').first().waitFor({ timeout: 30_000 });
}

scenario('host kill: kill -9 of the extension host during panel decisions, 5 times: nothing reported as saved is lost, nothing corrupt, nothing left behind', async (t) => {
  const ws = t.tempDir('e2e-hostkill-');
  const { folder, ids } = await folderWithPredictions(ws);
  const server = await startCodeServer({ folder: ws });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  const frame = webviewFrame(page);
  const rand = mulberry32(Number(process.env.CHAOS_SEED ?? 16));
  let lost = 0;
  let corrupt = 0;
  let leftovers = 0;
  let savedBeforeKill = 0;
  await openPanel(page, server, frame);
  for (let round = 1; round <= KILLS; round++) {
    t.step(`round ${round}: decide, then kill the extension host`);
    const hosts = extensionHosts(server.pid);
    assert.ok(hosts.length > 0, 'the extension host runs');
    const before = await shownStatuses(frame);
    // Each sidecar's review history length before this round's decisions.
    const historyBefore = new Map<string, number>();
    for (const id of ids) historyBefore.set(id, (await readSidecar(path.join(folder, id)))?.review.history.length ?? 0);
    await frame.locator(`.card[data-id="${ids[Math.floor(rand() * ids.length)]}"]`).click();
    // Decisions as fast as a reviewer types: accept, a category key or reject, each advancing.
    for (let k = 0; k < 6; k++) await page.keyboard.press(['a', '1', '2', '3', 'x'][Math.floor(rand() * 5)]);
    // Kill once some decision was answered (so the kill lands amid decisions, not before them).
    await waitUntil('a decision saved', async () => {
      const now = await shownStatuses(frame);
      return [...now].some(([id, s]) => s !== before.get(id));
    }, 30_000);
    // Listed again just before the kill: a host listed at the round's start may have ended since.
    const killed = extensionHosts(server.pid);
    assert.ok(killed.length > 0, 'the extension host runs at the kill');
    for (const pid of killed) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e; // already gone
      }
    }
    const shown = await shownStatuses(frame);
    // Every status the panel showed as saved is on disk; every sidecar reads and validates.
    for (const id of ids) {
      try {
        const sc = await readSidecar(path.join(folder, id));
        const s = shown.get(id);
        // Kept: on disk as shown; or written this round and then replaced by a later decision on the same
        // image that was on disk before its answer reached the panel (keys pressed faster than the answers).
        const writtenThisRound = sc?.review.history.slice(historyBefore.get(id)).map((e) => e.status) ?? [];
        // (A status the panel showed before this round was checked on disk at the end of the last one.)
        const superseded = s !== before.get(id) ? writtenThisRound.slice(0, -1).includes(s as never) : writtenThisRound.length > 0;
        if (s && s !== 'pending' && sc?.review.status !== s && !superseded) {
          lost++;
          t.log(`lost: ${id} shown ${s}, on disk ${sc?.review.status} (this round's history: ${writtenThisRound.join(' → ') || 'none'})`);
        } else if (superseded && sc?.review.status !== s) t.log(`${id}: shown ${s}, then replaced on disk by ${sc?.review.status} (a later decision)`);
        if (s && s !== 'pending') savedBeforeKill++;
      } catch (e) {
        corrupt++;
        t.log(`corrupt: ${id}: ${(e as Error).message}`);
      }
    }
    t.step(`round ${round}: restart the extension host, reopen the panel, decide again`);
    await waitUntil('the extension host gone', () => extensionHosts(server.pid).every((p) => !killed.includes(p)), 15_000);
    // VS Code restarts a crashed host by itself up to 3 times in 5 minutes; then it asks, with a button.
    const restart = page.locator('.notifications-toasts').getByRole('button', { name: /Restart (Remote )?Extension Host/ }).first();
    await waitUntil('a new extension host', async () => {
      if (extensionHosts(server.pid).length) return true;
      if (await restart.isVisible().catch(() => false)) await restart.click().catch(() => undefined);
      return false;
    }, 120_000);
    // The dead host's panel stays as an empty tab: close it, then open the panel anew.
    await runCommandFromPalette(page, 'View: Close All Editors');
    await waitUntil('the old panel closed', async () => (await page.locator('iframe.webview').count()) === 0, 30_000);
    await openPanel(page, server, frame);
    const id = ids[round % ids.length];
    const was = (await readSidecar(path.join(folder, id)))?.review.history.length ?? 0;
    await frame.locator(`.card[data-id="${id}"]`).click();
    await page.keyboard.press('x');
    await waitUntil(`the rejection of ${id} on disk`, async () => ((await readSidecar(path.join(folder, id)))?.review.history.length ?? 0) > was, 30_000);
    // The new host releases its own lock just after the rename lands (once the folder is fsynced), so
    // a lock seen in that moment is in use, not left behind: what is still there 5 s later is.
    const leftNames = () => fs.readdirSync(folder).filter(isLeftoverName);
    const inUse = leftNames();
    const deadline = Date.now() + 5_000;
    while (leftNames().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const left = leftNames();
    if (inUse.length && !left.length) t.log(`in use as the write landed, then released: ${inUse.join(', ')}`);
    leftovers += left.length;
    if (left.length) t.log(`left behind after the restart: ${left.join(', ')}`);
  }
  t.log(`host kill: kills=${KILLS} cards shown decided at the kills (summed over rounds)=${savedBeforeKill} corrupt=${corrupt} lost=${lost} leftovers=${leftovers}`);
  assert.deepEqual({ corrupt, lost, leftovers }, { corrupt: 0, lost: 0, leftovers: 0 });
}, { timeoutMs: 660_000 });
