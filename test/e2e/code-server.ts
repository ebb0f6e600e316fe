// Starts and stops a real VS Code (code-server) with one extension installed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CODE_SERVER_ENTRY, CODE_SERVER_NODE, REPO_ROOT, themeId, tmpRoot } from './paths';
import { processTree } from './proc';

export interface CodeServerOptions {
  /** Folder to open as the workspace (absolute). */
  folder: string;
  /** Extension folder to install by symlink; defaults to the repo root. Pass null for none. */
  extensionDir?: string | null;
  /** More extension folders installed beside it (by symlink), e.g. a test chat-model provider. */
  extraExtensions?: string[];
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** How long to wait for the "HTTP server listening" line. */
  startTimeoutMs?: number;
  /** Extra environment for code-server and its extension host (test hooks such as IMAGE_TRIAGE_TEST_INDEX). */
  env?: Record<string, string>;
}

export interface CodeServer {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
  port: number;
  /** The workspace folder it was started with. */
  folder: string;
  /** code-server's pid (its process group): the extension host is below it. */
  pid: number;
  /** Temp dir holding user-data, extensions, XDG dirs and the log. */
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  /** The id the extension was installed under, e.g. image-triage.image-triage-0.1.0. */
  extensionId: string | null;
  /** code-server's stdout+stderr so far. */
  log(): string;
  /**
   * Overwrites User/settings.json (defaults + given). code-server does not notice the edit
   * while a page is open: it applies on the next openWorkbench (page load).
   */
  writeSettings(settings: Record<string, unknown>): void;
  /** Kills the whole process group and removes the temp dir. Safe to call twice. */
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  // VS Code 1.10x+ opens the Chat view in the secondary side bar, where it takes the focus and a third
  // of the window; a user of Image Triage has it closed as often as not (1.100 ignores the key).
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const running = new Set<CodeServer>();
/** Process group id -> temp dir, for every server not yet stopped. */
const liveGroups = new Map<number, string>();
// Last resort if the test process exits without stopping a server (crash, process.exit).
process.on('exit', () => {
  for (const [pgid, tmpDir] of liveGroups) {
    killGroup(pgid, 'SIGKILL');
    if (!process.env.E2E_KEEP_TMP) fs.rmSync(tmpDir, { recursive: true, force: true });
  }
});

/** Every code-server this process started and has not stopped yet. */
export function runningServers(): CodeServer[] {
  return [...running];
}

/** Stops every code-server this process started (used by the runner's cleanup). */
export async function stopAllCodeServers(): Promise<void> {
  await Promise.all(runningServers().map((s) => s.stop()));
}

/** `<publisher>.<name>-<version>` from an extension folder's package.json. */
export function extensionIdOf(extensionDir: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(extensionDir, 'package.json'), 'utf8'));
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

function cleanEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Never let an outer VS Code/Electron session leak into the one under test.
    if (k.startsWith('VSCODE_') || k.startsWith('ELECTRON_') || k.startsWith('npm_')) continue;
    env[k] = v;
  }
  env.XDG_DATA_HOME = path.join(tmp, 'xdg-data');
  env.XDG_CACHE_HOME = path.join(tmp, 'xdg-cache');
  env.XDG_CONFIG_HOME = path.join(tmp, 'xdg-config');
  return env;
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  if (!fs.existsSync(CODE_SERVER_ENTRY)) {
    throw new Error(`code-server is not installed at ${CODE_SERVER_ENTRY}; run bash test/e2e/setup.sh`);
  }
  const folder = path.resolve(opts.folder);
  if (!fs.statSync(folder).isDirectory()) throw new Error(`not a folder: ${folder}`);

  const tmpDir = fs.mkdtempSync(path.join(tmpRoot(), 'e2e-cs-'));
  const userDataDir = path.join(tmpDir, 'user-data');
  const extensionsDir = path.join(tmpDir, 'extensions');
  for (const d of ['xdg-data', 'xdg-cache', 'xdg-config', 'user-data/User', 'extensions']) {
    fs.mkdirSync(path.join(tmpDir, d), { recursive: true });
  }
  const configFile = path.join(tmpDir, 'config.yaml');
  fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const writeSettings = (s: Record<string, unknown>) => {
    const theme = s['workbench.colorTheme'];
    const all = { ...DEFAULT_SETTINGS, ...s, ...(typeof theme === 'string' ? { 'workbench.colorTheme': themeId(theme) } : {}) };
    fs.writeFileSync(settingsFile, JSON.stringify(all, null, 2));
  };
  writeSettings(opts.settings ?? {});

  const extensionDir = opts.extensionDir === undefined ? REPO_ROOT : opts.extensionDir;
  let extensionId: string | null = null;
  if (extensionDir) {
    extensionId = extensionIdOf(extensionDir);
    fs.symlinkSync(path.resolve(extensionDir), path.join(extensionsDir, extensionId), 'dir');
  }
  for (const extra of opts.extraExtensions ?? []) fs.symlinkSync(path.resolve(extra), path.join(extensionsDir, extensionIdOf(extra)), 'dir');

  const args = [
    CODE_SERVER_ENTRY,
    '--config', configFile,
    '--bind-addr', '127.0.0.1:0',
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    folder,
  ];
  const logFile = path.join(tmpDir, 'code-server.log');
  const logFd = fs.openSync(logFile, 'a');
  const child = spawn(CODE_SERVER_NODE, args, {
    cwd: tmpDir,
    env: { ...cleanEnv(tmpDir), ...opts.env },
    detached: true, // own process group: stop() kills code-server and everything it spawned
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pgid = child.pid!;
  liveGroups.set(pgid, tmpDir);
  if (process.env.E2E_PID_FILE) fs.appendFileSync(process.env.E2E_PID_FILE, `${pgid}\n`);

  let output = '';
  let logOpen = true;
  const onData = (b: Buffer) => {
    output += b.toString();
    if (logOpen) fs.writeSync(logFd, b);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  let stopped = false;
  const server: CodeServer = {
    url: '',
    port: 0,
    folder,
    pid: pgid,
    tmpDir,
    userDataDir,
    extensionsDir,
    extensionId,
    log: () => output,
    writeSettings,
    async stop() {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      // Terminals run in their own sessions, outside the group: remember every descendant.
      const tree = processTree(pgid);
      killGroup(pgid, 'SIGTERM');
      const timedOut = await Promise.race([
        exited.then(() => false),
        new Promise<boolean>((r) => setTimeout(() => r(true), 3000).unref()),
      ]);
      // Children (extension host, pty host, file watcher) may outlive the main process.
      killGroup(pgid, 'SIGKILL');
      for (const pid of tree) killPid(pid, 'SIGKILL');
      if (timedOut) await exited;
      liveGroups.delete(pgid);
      logOpen = false;
      fs.closeSync(logFd);
      if (!process.env.E2E_KEEP_TMP) fs.rmSync(tmpDir, { recursive: true, force: true });
    },
  };
  running.add(server);

  try {
    server.port = await waitForPort(() => output, exited, opts.startTimeoutMs ?? 30_000);
  } catch (e) {
    const log = output.split('\n').slice(-30).join('\n');
    await server.stop();
    throw new Error(`${(e as Error).message}\n--- code-server log ---\n${log}`);
  }
  server.url = `http://127.0.0.1:${server.port}`;
  return server;
}

function killPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

async function waitForPort(output: () => string, exited: Promise<void>, timeoutMs: number): Promise<number> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /HTTP server listening on https?:\/\/[^:\s]+:(\d+)/.exec(output());
    if (m) return Number(m[1]);
    if (dead) throw new Error('code-server exited before it started listening');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not start listening within ${timeoutMs} ms`);
}
