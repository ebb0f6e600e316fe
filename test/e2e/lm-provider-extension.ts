// A small test extension for VS Code 1.106+ (code-server 4.139.1): it registers a chat model provider
// with image input (vscode.lm.registerLanguageModelChatProvider) that answers from a script, keyed by
// the width of the JPEG it receives (read from the JPEG header, so the order of requests does not
// matter). Every request is recorded as JSON (text parts, image bytes base64, mime type) in `recordDir`
// so the test can check what really reached the model.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './fixtures';

export const LM_VENDOR = 'e2e-scripted';
export const LM_MODEL_ID = 'scripted-vision-1';
export const LM_MODEL_NAME = 'Scripted Vision';

/** width of the sent image → the model's answer text, or {error} to fail the request. */
export type LmScript = Record<number, string | { error: string }>;

function manifest() {
  return {
    name: 'scripted-lm',
    displayName: 'Scripted chat model (e2e)',
    publisher: 'e2e-selftest',
    version: '0.0.1',
    engines: { vscode: '^1.104.0' },
    main: './extension.js',
    activationEvents: ['*'],
    contributes: { languageModelChatProviders: [{ vendor: LM_VENDOR, displayName: 'E2E Scripted' }] },
  };
}

const extensionJs = (recordDir: string, script: LmScript) => `
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const RECORD_DIR = ${JSON.stringify(recordDir)};
const SCRIPT = ${JSON.stringify(script)};
let n = 0;
/** Width and height from a JPEG's SOF marker. */
function jpegSize(b) {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) { i++; continue; }
    const m = b[i + 1];
    const len = (b[i + 2] << 8) | b[i + 3];
    if (m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc) return { height: (b[i + 5] << 8) | b[i + 6], width: (b[i + 7] << 8) | b[i + 8] };
    i += 2 + len;
  }
  return { width: 0, height: 0 };
}
exports.activate = (context) => {
  context.subscriptions.push(vscode.lm.registerLanguageModelChatProvider(${JSON.stringify(LM_VENDOR)}, {
    provideLanguageModelChatInformation() {
      return [{ id: ${JSON.stringify(LM_MODEL_ID)}, name: ${JSON.stringify(LM_MODEL_NAME)}, family: 'scripted', version: '1', maxInputTokens: 100000, maxOutputTokens: 4000, capabilities: { imageInput: true, toolCalling: false } }];
    },
    async provideLanguageModelChatResponse(model, messages, options, progress, token) {
      const texts = [];
      let image = null;
      for (const m of messages) for (const p of (Array.isArray(m.content) ? m.content : [])) {
        if (typeof p.value === 'string') texts.push(p.value);
        else if (p.data && p.mimeType) image = { mime: p.mimeType, bytes: Buffer.from(p.data) };
      }
      const size = image ? jpegSize(image.bytes) : { width: 0, height: 0 };
      const rec = { index: n++, model: model.id, initiator: options && options.requestInitiator, texts, mime: image && image.mime, base64: image ? image.bytes.toString('base64') : null, width: size.width, height: size.height };
      fs.mkdirSync(RECORD_DIR, { recursive: true });
      // Unique across extension-host restarts (a reloaded window starts counting again).
      fs.writeFileSync(path.join(RECORD_DIR, 'req-' + Date.now() + '-' + process.pid + '-' + String(rec.index).padStart(3, '0') + '.json'), JSON.stringify(rec));
      const answer = SCRIPT[size.width];
      if (answer === undefined) throw new Error('scripted model: no answer for an image ' + size.width + ' px wide');
      if (typeof answer === 'object') throw new Error(answer.error);
      // Streamed in two pieces, as a real model would.
      const mid = Math.floor(answer.length / 2);
      progress.report(new vscode.LanguageModelTextPart(answer.slice(0, mid)));
      progress.report(new vscode.LanguageModelTextPart(answer.slice(mid)));
    },
    async provideTokenCount(model, text) {
      return typeof text === 'string' ? Math.ceil(text.length / 4) : 100;
    },
  }));
};
exports.deactivate = () => {};
`;

/** Writes the extension and returns its folder; requests are recorded in `recordDir`. */
export function makeLmProviderExtension(recordDir: string, script: LmScript, dir = tempDir('e2e-lm-ext-')): string {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest(), null, 2));
  fs.writeFileSync(path.join(dir, 'extension.js'), extensionJs(recordDir, script));
  return dir;
}

export interface LmRecord {
  index: number;
  model: string;
  texts: string[];
  mime: string | null;
  base64: string | null;
  width: number;
  height: number;
}

/** What the provider received so far, in order. */
export function lmRecords(recordDir: string): LmRecord[] {
  if (!fs.existsSync(recordDir)) return [];
  return fs.readdirSync(recordDir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(fs.readFileSync(path.join(recordDir, f), 'utf8')));
}
