// A throwaway extension for the harness self-test (harness.e2e.ts). It proves that the
// harness drives a real workbench: each command writes a file the test then reads.
//   "Hello Triage"         explorer/context on folders: writes <folder>/hello-triage.txt
//   "Hello Triage Palette" palette:                     writes <workspace>/hello-palette.txt
//   "Hello Triage Webview" palette: opens a webview whose button posts a message back,
//                          which writes <workspace>/hello-webview.txt
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempDir } from './fixtures';

const manifest = {
  name: 'hello-triage',
  displayName: 'Hello Triage (e2e self-test)',
  publisher: 'e2e-selftest',
  version: '0.0.1',
  engines: { vscode: '^1.100.0' },
  main: './extension.js',
  activationEvents: [],
  contributes: {
    commands: [
      { command: 'helloTriage.hello', title: 'Hello Triage' },
      { command: 'helloTriage.palette', title: 'Hello Triage Palette' },
      { command: 'helloTriage.webview', title: 'Hello Triage Webview' },
    ],
    menus: {
      'explorer/context': [{ command: 'helloTriage.hello', when: 'explorerResourceIsFolder', group: 'navigation' }],
      commandPalette: [{ command: 'helloTriage.hello', when: 'false' }],
    },
  },
};

const extensionJs = `
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const root = () => vscode.workspace.workspaceFolders[0].uri.fsPath;
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('helloTriage.hello', (uri) => {
      fs.writeFileSync(path.join(uri.fsPath, 'hello-triage.txt'), 'hello from ' + uri.fsPath);
    }),
    vscode.commands.registerCommand('helloTriage.palette', () => {
      fs.writeFileSync(path.join(root(), 'hello-palette.txt'), 'palette');
    }),
    vscode.commands.registerCommand('helloTriage.webview', () => {
      const panel = vscode.window.createWebviewPanel('helloTriage', 'Hello Webview', vscode.ViewColumn.One, { enableScripts: true });
      panel.webview.onDidReceiveMessage((m) => {
        fs.writeFileSync(path.join(root(), 'hello-webview.txt'), String(m.text));
        panel.webview.postMessage({ text: 'ack' });
      });
      panel.webview.html = \`<!DOCTYPE html><html><body>
        <h1 id="title">Hello from the webview</h1>
        <button id="send">Send</button><p id="reply"></p>
        <script>
          const api = acquireVsCodeApi();
          document.getElementById('send').onclick = () => api.postMessage({ text: 'clicked' });
          window.addEventListener('message', (e) => { document.getElementById('reply').textContent = e.data.text; });
        </script></body></html>\`;
    }),
  );
};
exports.deactivate = () => {};
`;

/** Writes the extension into `dir` (default: a new temp dir) and returns `dir`. */
export function makeHelloExtension(dir = tempDir('e2e-hello-ext-')): string {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  fs.writeFileSync(path.join(dir, 'extension.js'), extensionJs);
  return dir;
}
