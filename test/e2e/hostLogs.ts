// The logs a code-server writes under its user-data dir: the extension's own output channel
// ("Image Triage.log") and the extension host's log. A failure prints their tails; a scenario
// can read the extension's log to tell "the command never ran" from "it ran and went wrong".
import * as fs from 'node:fs';
import * as path from 'node:path';

const EXTENSION_LOG = 'Image Triage.log';
const HOST_LOGS = [EXTENSION_LOG, 'remoteexthost.log', 'exthost.log'];

function findFiles(dir: string, names: string[], out: string[] = []): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) findFiles(p, names, out);
    else if (names.includes(e.name)) out.push(p);
  }
  return out;
}

/** The host and extension log files under `userDataDir/logs`, oldest session first. */
export function hostLogFiles(userDataDir: string, names = HOST_LOGS): string[] {
  return findFiles(path.join(userDataDir, 'logs'), names).sort();
}

/** The extension's own log ("Image Triage" output channel), all sessions joined; '' when none yet. */
export function extensionLog(userDataDir: string): string {
  return hostLogFiles(userDataDir, [EXTENSION_LOG])
    .map((f) => fs.readFileSync(f, 'utf8'))
    .join('');
}

/** "--- <file>, last N lines ---" blocks for a failure report. */
export function hostLogTails(userDataDir: string, lines = 20): string[] {
  return hostLogFiles(userDataDir).map((f) => {
    const text = fs.readFileSync(f, 'utf8').trimEnd();
    const tail = text ? text.split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n') : '    | (empty)';
    return `    --- ${path.relative(userDataDir, f)}, last ${lines} lines ---\n${tail}`;
  });
}
