// The trust dashboard view: asks the host for the dashboard's data when it comes into view, and again
// (debounced) when sidecars change while it is on screen.
import { problemOf, rpc } from './rpc';
import { Dashboard } from './dashboard';
import type { Notices } from './notices';
import type { Store } from './store';

export class DashboardMode {
  private dashboard: Dashboard;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(app: HTMLElement, private readonly store: Store, private readonly notices: Notices, private readonly hooks: { render(): void; exportReport(): void; auditSample(): void }) {
    this.dashboard = new Dashboard(app, { refresh: () => this.request(), exportReport: () => hooks.exportReport(), notify: (level, text) => notices.show(level, text, 10000), auditSample: () => hooks.auditSample() });
  }

  get el(): HTMLElement {
    return this.dashboard.el;
  }

  /** Asks for fresh data (the view shows "loading" until it arrives). */
  shown(): void {
    this.request();
  }

  /** Sidecars changed (verdicts, reviews, the CLI): the dashboard on screen is recomputed. */
  sidecarsChanged(): void {
    if (this.store.view !== 'dashboard') return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.fetch(), 400);
  }

  private request(): void {
    this.store.dashboard = null;
    void this.fetch();
    void this.dashboard.trust.refresh();
  }

  private async fetch(): Promise<void> {
    try {
      this.store.dashboard = await rpc.sendRequest('requestDashboard', {});
    } catch (e) {
      this.notices.show('error', `The trust dashboard could not be computed: ${problemOf(e).message}`, 10000);
    }
    this.hooks.render();
  }

  render(): void {
    if (this.store.view === 'dashboard') this.dashboard.render(this.store.dashboard);
  }
}
