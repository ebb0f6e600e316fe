// Process trees from /proc (Linux only; elsewhere they come back empty): every process
// under a pid, and the peak memory of the test run (code-server, extension host, chromium).
import * as fs from 'node:fs';

const PAGE_KB = 4; // RSS in /proc/<pid>/statm is in pages; 4 KiB on x86-64 and arm64 Linux

function childrenByParent(): Map<number, number[]> {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return new Map();
  }
  const children = new Map<number, number[]>();
  for (const e of entries) {
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(e));
      children.set(ppid, list);
    } catch {
      // process exited meanwhile
    }
  }
  return children;
}

/** `rootPid` and every process below it. */
export function processTree(rootPid: number): number[] {
  const children = childrenByParent();
  const out: number[] = [];
  const stack = [rootPid];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** Memory of one process in KiB: PSS (shared pages split fairly) where the kernel has it, else RSS. */
function processKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    if (m) return Number(m[1]);
  } catch {
    // no smaps_rollup (old kernel) or exited
  }
  try {
    return Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_KB;
  } catch {
    return 0;
  }
}

/** Memory, in MiB, of `rootPid` and all its descendants (sum of PSS). */
export function treeMemoryMiB(rootPid = process.pid): number {
  let kb = 0;
  for (const pid of processTree(rootPid)) kb += processKiB(pid);
  return Math.round(kb / 1024);
}

/** Samples treeMemoryMiB every `everyMs` until stopped; `peak()` is the highest seen. */
export function startPeakSampler(everyMs = 1_000): { peak(): number; reset(): void; stop(): void } {
  let peak = treeMemoryMiB();
  const timer = setInterval(() => (peak = Math.max(peak, treeMemoryMiB())), everyMs);
  timer.unref();
  return {
    peak: () => Math.max(peak, treeMemoryMiB()),
    reset: () => (peak = treeMemoryMiB()),
    stop: () => clearInterval(timer),
  };
}
