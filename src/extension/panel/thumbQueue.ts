// Serves the webview's thumbnail requests: the latest request replaces what is still waiting (the
// user scrolled on), a few are made at once, results are delivered in small batches.
// Pure (no vscode): unit tested with a fake maker.

export type ThumbResult = { id: string; uri?: string; error?: string };

export class ThumbQueue {
  private waiting: string[] = [];
  private inFlight = new Set<string>();
  private out: ThumbResult[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private active = 0;
  private disposed = false;

  constructor(
    private readonly make: (id: string) => Promise<string>,
    private readonly deliver: (items: ThumbResult[]) => void,
    private readonly concurrency = 3,
    private readonly flushMs = 40,
  ) {}

  /** The ids the view needs now, most important first. Replaces the previous request. */
  request(ids: string[]): void {
    this.waiting = [...new Set(ids)].filter((id) => !this.inFlight.has(id));
    this.pump();
  }

  get pending(): number {
    return this.waiting.length + this.inFlight.size;
  }

  dispose(): void {
    this.disposed = true;
    this.waiting = [];
    clearTimeout(this.timer);
  }

  private pump(): void {
    while (!this.disposed && this.active < this.concurrency && this.waiting.length) {
      const id = this.waiting.shift()!;
      this.inFlight.add(id);
      this.active++;
      this.make(id)
        .then(
          (uri) => this.push({ id, uri }),
          (e: Error) => this.push({ id, error: e.message }),
        )
        .finally(() => {
          this.inFlight.delete(id);
          this.active--;
          this.pump();
        });
    }
  }

  private push(r: ThumbResult): void {
    if (this.disposed) return;
    this.out.push(r);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      const items = this.out;
      this.out = [];
      if (items.length && !this.disposed) this.deliver(items);
    }, this.flushMs);
  }
}
