// The VLM classifier in the real VS Code, against a scripted OpenAI-compatible server started here:
// the API key from secret storage reaches the server and nothing else; the panel shows the VLM's
// labels, checkpoint, prompt version, evidence (markup shown as text) and flags, next to an older
// zero-shot prediction; the Language Model API option explains itself on VS Code 1.100; and a
// non-loopback endpoint is used only after consent (declining sends nothing, "Always" is remembered).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { FrameLocator, Page } from 'playwright-core';
import { clickContextMenuItem, notificationText, openWorkbench, rightClickTreeItem, runCommandFromPalette, scenario, screenshot, startCodeServer, waitUntil, watchPage, webviewFrame } from './harness';
import { startServer, type RecordedRequest, type Reply } from '../unit/vlm/fakeServer';
import { lmImagesSupported } from './paths';
import { solidColorPng } from '../../src/devmodels/tinyModel';
import { readSidecar, writeSidecar } from '../../src/core/sidecarStore';
import { applyPrediction, newSidecar } from '../../src/core/sidecar';
import { sha256Hex } from '../../src/core/hash';
import { categoriesHash, parseCategories } from '../../src/core/categories';
import type { Prediction } from '../../src/core/types';

const XSS = '<img src=x onerror=alert(1)>';
const API_KEY = 'sk-e2e-S3CRET-9f8e7d6c5b4a';
const CATEGORIES = {
  mode: 'single_label',
  categories: [
    { name: 'red', description: 'The image is mostly red.' },
    { name: 'green', description: 'The image is mostly green.' },
    { name: 'blue', description: 'The image is mostly blue.' },
  ],
};

/** ws/photos: red, green and blue squares and categories.json. */
async function makeWorkspace(ws: string): Promise<string> {
  const folder = path.join(ws, 'photos');
  fs.mkdirSync(folder, { recursive: true });
  for (const c of ['red', 'green', 'blue']) fs.writeFileSync(path.join(folder, `${c}.png`), await solidColorPng(c, 64));
  fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify(CATEGORIES, null, 2));
  return folder;
}

/** The bytes of the image (a data URL) in an OpenAI chat request. */
function imageOf(req: RecordedRequest): Buffer {
  const content = req.body?.messages?.find((m: { role: string }) => m.role === 'user')?.content ?? [];
  const url: string = content.find((p: { type: string }) => p.type === 'image_url')?.image_url?.url ?? '';
  return Buffer.from(url.slice(url.indexOf(',') + 1), 'base64');
}

/** The dominant colour of the image in an OpenAI chat request: the fake VLM "looks" at it. */
async function colourOf(req: RecordedRequest): Promise<string> {
  const { channels } = await sharp(imageOf(req)).stats();
  const [r, g, b] = channels.map((c) => c.mean);
  return r >= g && r >= b ? 'red' : g >= b ? 'green' : 'blue';
}

/** [width, height] of the image in an OpenAI chat request. */
async function imageSizeOf(req: RecordedRequest): Promise<[number, number]> {
  const { width, height } = await sharp(imageOf(req)).metadata();
  return [width ?? 0, height ?? 0];
}

/** Card answers per colour, each exercising a different part of validation. */
function answer(colour: string): Reply {
  const card = (scores: Record<string, number>, predicted: { name: string; score: number; confidence: string; visual_evidence: string }[], basis: string) =>
    JSON.stringify({ category_scores: scores, predicted_categories: predicted, fits_any: true, would_route_to: predicted[0].name, decision_basis: basis });
  if (colour === 'red') {
    // A hallucinated category ("purple") and markup in the evidence.
    return { content: card({ red: 5, green: 1, blue: 1, purple: 4 }, [{ name: 'red', score: 5, confidence: 'high', visual_evidence: `Solid red square ${XSS}` }], 'Every pixel is red.'), usage: { prompt_tokens: 900, completion_tokens: 60, total_tokens: 960 } };
  }
  if (colour === 'green') {
    // Two predictions in single_label mode, in a ```json fence with prose around it.
    const body = card({ red: 1, green: 5, blue: 4 }, [
      { name: 'green', score: 5, confidence: 'high', visual_evidence: 'Uniform green fill.' },
      { name: 'blue', score: 4, confidence: 'medium', visual_evidence: 'A slight blue tint.' },
    ], 'The image is green.');
    return { content: `Here is my answer:\n\`\`\`json\n${body}\n\`\`\`\nHope this helps.` };
  }
  return { content: card({ red: 1, green: 1, blue: 5 }, [{ name: 'blue', score: 5, confidence: 'high', visual_evidence: 'Uniform blue fill.' }], 'The image is blue.') };
}

const card = (frame: FrameLocator, id: string) => frame.locator(`.card[data-id="${id}"]`);

async function showDetail(frame: FrameLocator, id: string): Promise<void> {
  await card(frame, id).click();
  await waitUntil(`the detail pane of ${id}`, async () => (await frame.locator('.detail-title').textContent()) === id && (await frame.locator('.detail .prediction').count()) > 0, 10_000);
}

/** Every file under `dir` (recursively) whose bytes contain `needle`. */
function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && fs.statSync(p).size < 50_000_000 && fs.readFileSync(p).includes(needle)) hits.push(p);
    }
  };
  walk(dir);
  return hits;
}

/** A zero-shot prediction for `file` as a previous run would have left it. */
function zeroShotPrediction(sha: string): Prediction {
  return {
    classifier: 'zero-shot',
    checkpoint: 'tiny-clip-e2e',
    revision: 'local',
    dtype: 'fp32',
    categories_hash: categoriesHash(parseCategories(JSON.stringify(CATEGORIES)).set), // the same categories as the VLM run
    mode: 'single_label',
    created_at: '2025-01-01T00:00:00.000Z',
    image_sha256: sha,
    warnings: [],
    predicted_categories: [{ name: 'blue', score: 4, confidence: 'medium', visual_evidence: 'closest prompt: "blue"' }],
    fits_any: true,
    category_scores: { red: 2, green: 1, blue: 4 },
    would_route_to: 'blue',
    decision_basis: 'Closest to the text of blue.',
    zero_shot: {
      score_kind: 'softmax',
      scores: { red: 0.3, green: 0.1, blue: 0.6 },
      cosines: { red: 0.2, green: 0.1, blue: 0.25 },
      top5: [{ name: 'blue', score: 0.6, cosine: 0.25 }, { name: 'red', score: 0.3, cosine: 0.2 }, { name: 'green', score: 0.1, cosine: 0.1 }],
      templates: ['{description}'],
      logit_scale: 100,
    },
  };
}

async function classify(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');
}

scenario('vlm: Classify Images with an OpenAI-compatible server → evidence, prompt version and flags in the panel; the key stays secret', async (t) => {
  const ws = t.tempDir('e2e-vlm-');
  const folder = await makeWorkspace(ws);
  // red.png was classified by zero-shot before: the panel must show both predictions.
  const redBytes = fs.readFileSync(path.join(folder, 'red.png'));
  const redSha = sha256Hex(redBytes);
  await writeSidecar(path.join(folder, 'red.png'), applyPrediction(newSidecar({ name: 'red.png', sha256: redSha, size: redBytes.length }), zeroShotPrediction(redSha)));

  const vlm = await startServer(async (req) => answer(await colourOf(req)), { maxRequests: 20 });
  t.cleanup(() => vlm.close());
  const server = await startCodeServer({
    folder: ws,
    // The 64-px squares are sent at most 48 px a side (imageTriage.vlm.maxImageSide).
    settings: { 'imageTriage.classifier': 'vlm', 'imageTriage.vlm.baseUrl': vlm.baseUrl, 'imageTriage.vlm.model': 'test-vlm', 'imageTriage.vlm.maxImageSide': 48, 'workbench.colorTheme': 'Default Dark Modern' },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  const { dialogs } = watchPage(page);
  await openWorkbench(page, server.url, ws);

  // The Language Model API option: on 1.100 the extension runs and says what it needs; on 1.106+
  // (code-server 4.139.1) with no chat model provider installed, it says that none is available.
  await runCommandFromPalette(page, 'Image Triage: Choose Language Model');
  const lmError = page.locator('.notifications-toasts .notification-toast').filter({ hasText: lmImagesSupported() ? 'no language models are available' : 'needs VS Code 1.106' });
  await lmError.waitFor({ timeout: 30_000 });
  const lmText = (await lmError.innerText()).replace(/\s+/g, ' ');
  t.log(`Choose Language Model: ${lmText.slice(0, 200)}…`);
  if (lmImagesSupported()) {
    assert.match(lmText, /imageTriage\.vlm\.baseUrl/);
  } else {
    assert.match(lmText, /\(this is 1\.100\.\d+\)/);
    assert.match(lmText, /Use an OpenAI-compatible endpoint/);
    assert.match(lmText, /openai-compatible/);
  }
  await screenshot(page, 'vlm-lm-unsupported');
  await lmError.hover();
  await lmError.locator('.codicon-notifications-clear').click({ timeout: 3_000 }).catch(() => undefined);

  // The API key goes into secret storage through the command's password box.
  await runCommandFromPalette(page, 'Image Triage: Set VLM API Key');
  const box = page.locator('.quick-input-widget .quick-input-box input');
  await box.waitFor({ timeout: 30_000 });
  assert.equal(await box.getAttribute('type'), 'password');
  await box.fill(API_KEY);
  await page.keyboard.press('Enter');
  await page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'VLM API key saved' }).waitFor({ timeout: 30_000 });

  // Loopback endpoint: no consent question; the run goes straight to the server.
  await classify(page);
  const frame = webviewFrame(page);
  await frame.locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no consent dialog for a loopback endpoint');
  t.log(`the fake VLM got ${vlm.requests.length} requests (max ${vlm.maxConcurrent} at once)`);
  assert.equal(vlm.requests.length, 3);
  // The completion message counts the calls and the tokens the server reported (only red's answer had usage).
  const doneText = await notificationText(page, 'Classified 3 images in photos');
  t.log(`completion message: ${doneText}`);
  assert.match(doneText, /VLM calls: 3; tokens: 900 prompt \+ 60 completion = 960 total \(usage reported for 1 of 3 requests\)/);
  for (const r of vlm.requests) {
    assert.equal(r.headers.authorization, `Bearer ${API_KEY}`, 'the key reaches the server in the Authorization header');
    assert.equal(r.body?.model, 'test-vlm');
    const size = await imageSizeOf(r);
    assert.deepEqual(size, [48, 48], 'the image went at imageTriage.vlm.maxImageSide');
  }

  // Sidecars: VLM predictions with checkpoint, prompt version and flags; no invented category.
  const host = new URL(vlm.baseUrl).host;
  const labels: Record<string, string> = {};
  for (const c of ['red', 'green', 'blue']) {
    const p = (await readSidecar(path.join(folder, `${c}.png`)))?.predictions.vlm;
    assert.ok(p, `${c}.png has a VLM prediction`);
    assert.equal(p.checkpoint, `test-vlm @ ${host}`);
    assert.match(p.prompt_version ?? '', /^routing-card-v\d+$/);
    labels[c] = p.predicted_categories.map((x) => x.name).join(',');
  }
  assert.deepEqual(labels, { red: 'red', green: 'green', blue: 'blue' });
  const red = (await readSidecar(path.join(folder, 'red.png')))!;
  assert.ok(red.predictions['zero-shot'], 'the zero-shot prediction is kept');
  assert.ok(red.predictions.vlm!.flags?.some((f) => f.kind === 'unknown_category' && f.detail.includes('purple')));
  assert.ok(!('purple' in red.predictions.vlm!.category_scores));
  const green = (await readSidecar(path.join(folder, 'green.png')))!.predictions.vlm!;
  assert.ok(green.flags?.some((f) => f.kind === 'single_label_split'));

  // The grid shows the VLM's labels.
  for (const c of ['red', 'green', 'blue']) {
    await waitUntil(`${c}.png labelled ${c} in the grid`, async () => (await card(frame, `${c}.png`).locator('.chip').first().textContent())?.trim() === c);
  }

  // The VLM disagreed with zero-shot on red.png only: marked on its card; the filter lists it alone.
  assert.equal(await card(frame, 'red.png').locator('.disagree-mark').count(), 1);
  assert.equal(await card(frame, 'green.png').locator('.disagree-mark').count(), 0);
  const disagreed = frame.locator('vscode-checkbox[data-filter="vlmDisagreed"]');
  await disagreed.click();
  await waitUntil('only red.png in the "VLM disagreed with zero-shot" filter', async () => (await frame.locator('.card').count()) === 1 && (await frame.locator('.card').first().getAttribute('data-id')) === 'red.png');
  await screenshot(page, 'vlm-disagreed-filter');
  await disagreed.click();
  await waitUntil('all three images back', async () => (await frame.locator('.card').count()) === 3);

  // The detail pane of red.png: both classifiers, each with its own checkpoint and score note.
  await showDetail(frame, 'red.png');
  const vlmSec = frame.locator('.detail .prediction-vlm');
  const zsSec = frame.locator('.detail .prediction-zero-shot');
  await vlmSec.waitFor({ timeout: 30_000 });
  const vlmText = await vlmSec.innerText();
  t.log(`VLM section: ${vlmText.replace(/\s+/g, ' ').slice(0, 400)}…`);
  assert.equal((await vlmSec.locator('code.checkpoint').textContent())?.trim(), `test-vlm @ ${host}`);
  assert.match(vlmText, /Prompt version\s+routing-card-v\d+/);
  assert.match(vlmText, /Confidence\s+high/);
  assert.match(vlmText, /Decision basis\s+Every pixel is red\./);
  assert.match(vlmText, /VLM card score \(1–5\)/);
  assert.match(vlmText, /1–5 card ratings/);
  assert.ok((await vlmSec.locator('.evidence').textContent())?.includes(`Solid red square ${XSS}`), 'the evidence shows the markup as characters');
  const flag = vlmSec.locator('ul.flags li[data-kind="unknown_category"]');
  assert.equal(await flag.count(), 1);
  assert.match((await flag.innerText()).replace(/\s+/g, ' '), /unknown category dropped unknown_category: category_scores has "purple", which is not a category; dropped/);
  assert.equal((await zsSec.locator('code.checkpoint').textContent())?.trim(), 'tiny-clip-e2e');
  assert.match(await zsSec.innerText(), /uncalibrated, this checkpoint only/);
  assert.doesNotMatch(vlmText, /uncalibrated/);
  const compare = await frame.locator('.detail .compare').innerText();
  assert.match(compare, /not compared/);
  assert.match(compare, /disagree: vision-language model → red; zero-shot → blue/);
  assert.equal(await frame.locator('img[src="x"]').count(), 0, 'no element was made from the evidence');
  assert.deepEqual(dialogs, [], 'no script ran');
  await vlmSec.locator('ul.flags').scrollIntoViewIfNeeded();
  await screenshot(page, 'vlm-detail-dark');

  await showDetail(frame, 'green.png');
  const greenFlags = await frame.locator('.detail .prediction-vlm ul.flags').innerText();
  assert.match(greenFlags, /single-label split corrected/);
  await frame.locator('.detail .prediction-vlm ul.flags').scrollIntoViewIfNeeded();
  await screenshot(page, 'vlm-detail-split');

  // The key is nowhere but the Authorization header: not in sidecars, settings, logs or the workspace.
  const leaks = [...filesContaining(ws, API_KEY), ...filesContaining(server.tmpDir, API_KEY)];
  t.log(`files containing the key: ${leaks.length ? leaks.join(', ') : 'none'}`);
  assert.deepEqual(leaks, []);
  const logText = filesContaining(server.tmpDir, 'Using VLM test-vlm');
  assert.ok(logText.length > 0, 'the extension log was searched (it names the VLM run)');

  // provider = "vscode-lm" with a model that is not there (1.106+) or cannot be used (1.100):
  // Classify Images says what to do and sends nothing.
  server.writeSettings({ 'imageTriage.classifier': 'vlm', 'imageTriage.vlm.provider': 'vscode-lm', 'imageTriage.vlm.lmModelId': 'copilot-gpt-4o', 'workbench.colorTheme': 'Default Dark Modern' });
  await openWorkbench(page, server.url, ws);
  fs.writeFileSync(path.join(folder, 'blue2.png'), await solidColorPng('blue', 48));
  const before = vlm.requests.length;
  await classify(page);
  const failed = page.locator('.notifications-toasts .notification-toast').filter({ hasText: 'could not classify photos' });
  await failed.waitFor({ timeout: 30_000 });
  const failText = (await failed.innerText()).replace(/\s+/g, ' ');
  t.log(`Classify with vscode-lm: ${failText}`);
  if (lmImagesSupported()) {
    assert.match(failText, /The language model "copilot-gpt-4o" \(imageTriage\.vlm\.lmModelId\) is not available now/);
    assert.match(failText, /Choose Language Model/);
  } else {
    assert.match(failText, /"vscode-lm" VLM provider needs VS Code 1\.106 or later/);
    assert.match(failText, /Open Settings/);
  }
  assert.equal(vlm.requests.length, before, 'nothing was sent');
  assert.equal(await readSidecar(path.join(folder, 'blue2.png')), null);
  await screenshot(page, 'vlm-lm-classify-unsupported');
}, { timeoutMs: 240_000 });

scenario('vlm consent: with consent required, images go to the endpoint only after consent; declining sends nothing; "Always" is remembered', async (t) => {
  const ws = t.tempDir('e2e-vlm-consent-');
  const folder = await makeWorkspace(ws);
  // Loopback only (no traffic leaves this machine); the setting makes the extension treat the local
  // endpoint like a remote one, as for a tunnel or proxy to an online service.
  const vlm = await startServer(async (req) => answer(await colourOf(req)), { maxRequests: 20 });
  t.cleanup(() => vlm.close());
  const server = await startCodeServer({
    folder: ws,
    settings: { 'imageTriage.classifier': 'vlm', 'imageTriage.vlm.baseUrl': vlm.baseUrl, 'imageTriage.vlm.model': 'test-vlm', 'imageTriage.vlm.askBeforeSendingToLocalEndpoints': true },
  });
  t.cleanup(() => server.stop());
  const page = await t.newPage();
  await openWorkbench(page, server.url, ws);
  const dialog = page.locator('.monaco-dialog-box');
  const origin = new URL(vlm.baseUrl).origin;

  // 1. Declined: nothing is sent, nothing is written.
  await classify(page);
  await dialog.waitFor({ timeout: 30_000 });
  const question = (await dialog.innerText()).replace(/\s+/g, ' ');
  t.log(`consent question: ${question}`);
  assert.ok(question.includes(`Send 3 images from "photos" to ${origin}?`), question);
  await screenshot(page, 'vlm-consent');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  // The run has ended when the extension logs why (its output channel's log file).
  await waitUntil('the log to say the run ended without consent', () => filesContaining(server.tmpDir, 'cancelled: no consent').length > 0, 30_000);
  assert.equal(vlm.requests.length, 0, 'declining sends nothing');
  assert.deepEqual(fs.readdirSync(folder).filter((f) => f.endsWith('.labels.json')), []);

  // 2. "Always send to <host>": the run goes to the endpoint.
  await classify(page);
  await dialog.waitFor({ timeout: 30_000 });
  await dialog.getByRole('button', { name: `Always send to ${new URL(origin).host}` }).click();
  await webviewFrame(page).locator('.run-text.run-done').waitFor({ timeout: 90_000 });
  assert.equal(vlm.requests.length, 3);

  // 3. Remembered: a new image is sent without asking again.
  fs.writeFileSync(path.join(folder, 'red2.png'), await solidColorPng('red', 48));
  await classify(page);
  await waitUntil('the new image to be classified', async () => vlm.requests.length === 4 && !!(await readSidecar(path.join(folder, 'red2.png')))?.predictions.vlm, 60_000);
  assert.equal(await dialog.count(), 0, 'not asked again');
}, { timeoutMs: 240_000 });
