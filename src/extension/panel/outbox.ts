// What the host sends the webview, held until the webview says `ready` (a message posted before the
// webview listens is lost). While not ready, each notification type's declared policy applies
// (protocol.ts): 'queue' keeps every one in order, 'latest' keeps only the last of its type, and a
// message drops the queued ones it supersedes (an `init` holds every image and the run, so queued
// `upsert`, `remove` and `run` are dropped). Responses are never dropped or merged.
// Pure (no vscode): unit tested.
import { NOTIFICATIONS, type HostMessage, type NotificationType } from '../../shared/protocol';

export class Outbox {
  private queue: HostMessage[] = [];
  private open = false;

  constructor(private readonly send: (m: HostMessage) => void) {}

  get ready(): boolean {
    return this.open;
  }

  post(m: HostMessage): void {
    if (this.open) return this.send(m);
    if (m.type === 'response') {
      this.queue.push(m);
      return;
    }
    const decl = NOTIFICATIONS[m.type as NotificationType];
    if (decl.supersedes.length || decl.whileNotReady === 'latest') {
      this.queue = this.queue.filter((q) => !decl.supersedes.includes(q.type) && !(decl.whileNotReady === 'latest' && q.type === m.type));
    }
    this.queue.push(m);
  }

  /** The webview is listening: sends what was queued, in order; later messages go straight out. */
  openNow(): void {
    this.open = true;
    const q = this.queue;
    this.queue = [];
    for (const m of q) this.send(m);
  }

  /** Messages waiting for `ready` (for tests and logs). */
  get pending(): readonly HostMessage[] {
    return this.queue;
  }
}
