// The Language Model API backend in a VS Code that can send images to a chat model (1.106+; the
// suite runs it on code-server 4.139.1). A scripted chat model provider extension is installed beside
// Image Triage; the user picks it with "Image Triage: Choose Language Model", agrees to send images,
// and classifies with `vlm`, then with `cascade`. Checked: sidecars (flags included), the consent
// prompt, the detail pane, and that the bytes the provider received decode to the test images.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { clickContextMenuItem, notificationText, openWorkbench, rightClickTreeItem, runCommandFromPalette, scenario, screenshot, startCodeServer, waitUntil, webviewFrame } from './harness';
import { lmImagesSupported } from './paths';
import { LM_MODEL_ID, LM_MODEL_NAME, LM_VENDOR, lmRecords, makeLmProviderExtension, type LmScript } from './lm-provider-extension';
import { solidColorPng, writeTinyModel } from '../../src/devmodels/tinyModel';
import { readSidecar } from '../../src/core/sidecarStore';
import { SHARED_PHOTO } from './lmPhoto';

const COLOURS: Record<string, [number, string]> = { 'a.png': [40, 'red'], 'b.png': [41, 'green'], 'c.png': [42, 'blue'], 'd.png': [43, 'yellow'], 'e.png': [44, 'red'] };
const NAMES = ['red', 'green', 'blue', 'yellow'];

function card(name: string, extra: Record<string, unknown> = {}, scores: Record<string, number> = {}): string {
  return JSON.stringify({
    predicted_categories: [{ name, score: 5, confidence: 'high', visual_evidence: `The square is ${name}.` }],
    fits_any: true,
    category_scores: { ...Object.fromEntries(NAMES.map((n) => [n, n === name ? 5 : 1])), ...scores },
    would_route_to: name,
    decision_basis: `The image is ${name}.`,
    ...extra,
  });
}

async function meanRgb(bytes: Buffer): Promise<number[]> {
  return (await sharp(bytes).removeAlpha().stats()).channels.map((c) => c.mean);
}

async function classify(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await rightClickTreeItem(page, 'photos');
  await clickContextMenuItem(page, 'Classify Images');
}

if (lmImagesSupported()) {
  scenario('lm: a chat model from another extension (Language Model API, image input) classifies with vlm and cascade', async (t) => {
    const ws = t.tempDir('e2e-lm-');
    const folder = path.join(ws, 'photos');
    fs.mkdirSync(folder, { recursive: true });
    for (const [file, [size, colour]] of Object.entries(COLOURS)) fs.writeFileSync(path.join(folder, file), await solidColorPng(colour, size));
    fs.writeFileSync(path.join(folder, 'categories.json'), JSON.stringify({ mode: 'single_label', categories: NAMES.map((n) => ({ name: n, description: `The image is mostly ${n}.` })), templates: ['a photo of {name}', '{description}'] }));
    await writeTinyModel(path.join(ws, 'models', 'tiny-clip'), { kind: 'clip' });
    const photoMeta = await sharp(SHARED_PHOTO).metadata();
    const photoWidth = Math.round(Math.min(1, 1024 / Math.max(photoMeta.width!, photoMeta.height!)) * photoMeta.width!);

    const script: LmScript = {
      40: card('red'),
      41: 'Sure! Here is the card:\n```json\n' + card('green') + '\n```\nAnything else?',
      42: card('blue', {}, { purple: 4 }),
      43: card('yellow', { predicted_categories: [{ name: 'yellow', score: 5, confidence: 'high', visual_evidence: 'Yellow.' }, { name: 'red', score: 4, confidence: 'medium', visual_evidence: 'Warm tint.' }] }, { red: 4 }),
      44: { error: 'scripted model failure for e.png' },
      [photoWidth]: card('yellow'),
    };
    const recordDir = t.tempDir('e2e-lm-records-');
    const provider = makeLmProviderExtension(recordDir, script);
    const server = await startCodeServer({ folder: ws, extraExtensions: [provider], settings: { 'imageTriage.classifier': 'vlm', 'imageTriage.model': 'models/tiny-clip' } });
    t.cleanup(() => server.stop());
    const page = await t.newPage();
    await openWorkbench(page, server.url, ws);

    // 1. Choose the model.
    await runCommandFromPalette(page, 'Image Triage: Choose Language Model');
    const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: LM_MODEL_NAME });
    await row.first().waitFor({ timeout: 30_000 });
    t.log(`picker row: ${(await row.first().innerText()).replace(/\s+/g, ' ')}`);
    assert.match(await row.first().innerText(), /takes images/);
    await screenshot(page, 'lm-choose-model');
    await row.first().click();
    const settingsFile = path.join(server.userDataDir, 'User', 'settings.json');
    await waitUntil('the model to be stored in the settings', () => {
      const s = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
      return s['imageTriage.vlm.lmModelId'] === LM_MODEL_ID && s['imageTriage.vlm.provider'] === 'vscode-lm';
    }, 15_000);

    // 2. Classify with vlm: Image Triage asks before any image goes to the model.
    await classify(page);
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 30_000 });
    const question = (await dialog.innerText()).replace(/\s+/g, ' ');
    t.log(`consent: ${question}`);
    assert.ok(question.includes(`Send 5 images from "photos" to ${LM_MODEL_NAME} (${LM_VENDOR})?`), question);
    assert.equal(lmRecords(recordDir).length, 0, 'nothing was sent before consent');
    await screenshot(page, 'lm-consent');
    await dialog.getByRole('button', { name: 'Send images' }).click();
    // VS Code may ask whether Image Triage may use another extension's model.
    const allow = page.locator('.monaco-dialog-box').getByRole('button', { name: /^Allow/ });
    await allow.first().click({ timeout: 5_000 }).catch(() => undefined);
    const frame = webviewFrame(page);
    await frame.locator('.run-text.run-done').waitFor({ timeout: 120_000 });

    // What reached the model: one request per image, each a JPEG that decodes to the test image.
    const recs = lmRecords(recordDir);
    t.log(`provider got ${recs.length} requests: ${recs.map((r) => `${r.width}x${r.height} ${r.mime}`).join(', ')}`);
    assert.equal(recs.length, 5);
    for (const [file, [size]] of Object.entries(COLOURS)) {
      const r = recs.find((x) => x.width === size);
      assert.ok(r?.base64, `${file} reached the provider as image data`);
      assert.equal(r.mime, 'image/jpeg');
      assert.equal(r.model, LM_MODEL_ID);
      const sent = Buffer.from(r.base64, 'base64');
      const meta = await sharp(sent).metadata();
      assert.deepEqual([meta.width, meta.height], [size, size], `${file}: the bytes decode to a ${size}×${size} image`);
      const want = await meanRgb(fs.readFileSync(path.join(folder, file)));
      const got = await meanRgb(sent);
      assert.ok(got.every((v, i) => Math.abs(v - want[i]) < 6), `${file}: same colour (${got.map(Math.round)} vs ${want.map(Math.round)})`);
      assert.ok(r.texts.some((x) => x.includes('"yellow"')), 'the categories went with the image');
    }

    // Sidecars: checkpoint, flags, and an error (never a made-up card) for the failed request.
    const checkpoint = `${LM_MODEL_ID} @ vscode-lm:${LM_VENDOR}`;
    const vlm = async (f: string) => (await readSidecar(path.join(folder, f)))?.predictions.vlm;
    const a = (await vlm('a.png'))!;
    assert.deepEqual([a.checkpoint, a.predicted_categories.map((c) => c.name).join(), a.flags], [checkpoint, 'red', []]);
    assert.equal(a.usage, undefined, 'the Language Model API reports no token usage');
    assert.equal((await vlm('b.png'))!.predicted_categories[0].name, 'green', 'fenced JSON is extracted');
    const c = (await vlm('c.png'))!;
    assert.ok(c.flags?.some((f) => f.kind === 'unknown_category' && f.detail.includes('purple')));
    assert.ok(!('purple' in c.category_scores));
    const d = (await vlm('d.png'))!;
    assert.ok(d.flags?.some((f) => f.kind === 'single_label_split'));
    assert.deepEqual(d.predicted_categories.map((x) => x.name), ['yellow']);
    assert.equal(await readSidecar(path.join(folder, 'e.png')), null, 'the failed image gets no invented prediction');
    const toastText = await notificationText(page, 'Classified 5 images in photos');
    t.log(`completion: ${toastText}`);
    assert.match(toastText, /1 failed/);
    assert.match(toastText, /VLM calls: 5; tokens: not reported by the server/);

    // The detail pane of c.png: the model's checkpoint and the flag.
    await frame.locator('.card[data-id="c.png"]').click();
    const sec = frame.locator('.detail .prediction-vlm');
    await sec.waitFor({ timeout: 30_000 });
    assert.equal((await sec.locator('code.checkpoint').textContent())?.trim(), checkpoint);
    assert.equal(await sec.locator('ul.flags li[data-kind="unknown_category"]').count(), 1);
    await screenshot(page, 'lm-detail');
    await frame.locator('.card[data-id="e.png"]').click();
    await waitUntil('the error of e.png in the detail pane', async () => (await frame.locator('.detail').innerText()).includes('scripted model failure for e.png'), 10_000);

    // 3. Cascade: zero-shot settles the solid colours; only the photo goes to the model.
    fs.copyFileSync(SHARED_PHOTO, path.join(folder, 'photo.jpg'));
    server.writeSettings({ 'imageTriage.classifier': 'cascade', 'imageTriage.model': 'models/tiny-clip', 'imageTriage.vlm.provider': 'vscode-lm', 'imageTriage.vlm.lmModelId': LM_MODEL_ID });
    await openWorkbench(page, server.url, ws);
    const before = lmRecords(recordDir).length;
    await classify(page);
    // "Send images" (not "Always") was the answer before: the cascade asks again before anything is
    // sent, once zero-shot has run, with the number of images it will really send.
    await dialog.waitFor({ timeout: 90_000 });
    const cascadeQuestion = (await dialog.innerText()).replace(/\s+/g, ' ');
    t.log(`cascade consent: ${cascadeQuestion}`);
    assert.ok(cascadeQuestion.includes(`Send 1 image from "photos" to ${LM_MODEL_NAME} (${LM_VENDOR})?`), cascadeQuestion);
    assert.match(cascadeQuestion, /Zero-shot was unsure of these 1 of 6 images/);
    assert.equal(lmRecords(recordDir).length, before, 'nothing was sent before consent');
    await dialog.getByRole('button', { name: 'Send images' }).click();
    await webviewFrame(page).locator('.run-text.run-done').waitFor({ timeout: 180_000 });
    const doneText = await notificationText(page, 'Classified 6 images in photos');
    t.log(`cascade completion: ${doneText}`);
    const sent = lmRecords(recordDir).slice(before);
    assert.deepEqual(sent.map((r) => r.width), [photoWidth], 'only the uncertain photo reached the model');
    assert.match(doneText, /VLM calls: 1 \(5 settled by zero-shot\)/);
    const photo = (await readSidecar(path.join(folder, 'photo.jpg')))!;
    assert.ok(photo.predictions['zero-shot'] && photo.predictions.vlm, 'both predictions are kept');
    assert.equal(photo.predictions.vlm!.checkpoint, checkpoint);
    assert.match(photo.predictions.vlm!.cascade?.when ?? '', /^fits_any=false/);
    await screenshot(page, 'lm-cascade');
  }, { timeoutMs: 480_000 });
}
