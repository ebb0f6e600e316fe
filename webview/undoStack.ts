// Undo/redo bookkeeping for review decisions. The host keeps what each change wrote (addressed by a
// changeId) and checks the disk before restoring; this stack only decides which change is next.
// A step moves only once the host confirms it. Pure: unit tested.

export interface UndoEntry {
  changeId: number;
  /** Short description for notices, e.g. "accept 3 images". */
  label: string;
  ids: string[];
}

export class UndoStack {
  private done: UndoEntry[] = [];
  private undone: UndoEntry[] = [];

  constructor(private readonly limit = 500) {}

  /** A new change: it becomes the next to undo, and the redo list is cleared. */
  push(e: UndoEntry): void {
    this.done.push(e);
    if (this.done.length > this.limit) this.done.shift();
    this.undone = [];
  }
  peekUndo(): UndoEntry | undefined {
    return this.done[this.done.length - 1];
  }
  peekRedo(): UndoEntry | undefined {
    return this.undone[this.undone.length - 1];
  }
  /** The host undid `changeId`: move it to the redo list. */
  committedUndo(changeId: number): void {
    const top = this.peekUndo();
    if (top?.changeId === changeId) this.undone.push(this.done.pop()!);
  }
  /** The host redid `changeId`: move it back to the undo list. */
  committedRedo(changeId: number): void {
    const top = this.peekRedo();
    if (top?.changeId === changeId) this.done.push(this.undone.pop()!);
  }
  /** Forget a change the host could not apply (the images changed on disk since). */
  drop(changeId: number): void {
    this.done = this.done.filter((e) => e.changeId !== changeId);
    this.undone = this.undone.filter((e) => e.changeId !== changeId);
  }
  get canUndo(): boolean {
    return this.done.length > 0;
  }
  get canRedo(): boolean {
    return this.undone.length > 0;
  }
}
