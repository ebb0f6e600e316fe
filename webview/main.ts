// The review panel's entry point: builds the layout, routes host notifications into the store and
// responses to the correlator (rpc.ts), maps keys to actions and re-renders (once per frame) what
// changed.
import { unpackSummaries, type HostMessage } from '../src/shared/protocol';
import { registerToolkit } from './toolkit';
import { h } from './dom';
import { Store } from './store';
import { VirtualGrid } from './grid';
import { DetailPane } from './detailPane';
import { Toolbar } from './toolbar';
import { Header } from './header';
import { BulkBar } from './bulkBar';
import { Notices } from './notices';
import { ShortcutSheet } from './shortcutSheet';
import { Actions } from './actions';
import { keyAction } from './keyboard';
import { moveIndex } from './gridLayout';
import { clickSelect, moveSelect, selectAll } from './selection';
import type { FilterState } from './filters';
import { loadState, onHostMessage, saveState, send } from './vscodeApi';
import { AuditMode } from './auditMode';
import { DashboardMode } from './dashboardMode';
import { ViewSwitcher } from './views';
import { problemOf, rpc } from './rpc';
import { issueOf, issueSummary } from './labelIssues';
import { ClustersMode } from './clustersMode';
import { ExploreBar, changeText } from './exploreBar';

registerToolkit();

const store = new Store();
const saved = loadState<{ filter?: FilterState }>();
if (saved?.filter) store.filter = { ...store.filter, ...saved.filter };

const app = document.getElementById('app')!;
const notices = new Notices(document.body);
const header = new Header(app, (p) => setFilter(p));
const toolbar = new Toolbar(app, { setFilter: (p) => setFilter(p), selectAll: () => doSelectAll(), help: () => sheet.toggle() });
const actions = new Actions(store, notices, (id) => focusImage(id));
const explore = new ExploreBar(app, store, notices, { render: () => render(), focusGrid: () => grid.el.focus() });
const bulk = new BulkBar(app, {
  accept: () => actions.accept(),
  reject: () => actions.reject(),
  assign: (i) => actions.assign(i),
  clear: () => collapseSelection(),
});
const main = h('main', { class: 'main' });
app.append(main);
const grid = new VirtualGrid(
  main,
  {
    onCardClick: (id, mods) => {
      store.selection = clickSelect(store.selection, id, store.order, mods);
      render();
    },
    onNeedThumbs: (ids) => requestThumbs(ids),
    cardState: (img) => ({
      img,
      thumb: store.thumbs.get(img.id),
      selected: store.selection.selected.has(img.id),
      focused: store.selection.focus === img.id,
      changedOnDisk: store.changedOnDisk.has(img.id),
      change: store.preview ? changeOf(img.id) : undefined,
    }),
  },
  160,
);
const detail = new DetailPane(main, {
  accept: () => actions.accept(),
  reject: () => actions.reject(),
  assign: (i) => actions.assign(i),
  openSidecar: (id) => send({ type: 'openSidecar', id }),
  moreLikeThis: (id) => explore.moreLikeThis(id),
});
function changeOf(id: string): string | undefined {
  const c = store.preview?.byId.get(id);
  return c && changeText(c);
}
const sheet = new ShortcutSheet(document.body, () => (store.view === 'grid' ? grid.el.focus() : undefined));
const startAudit = () => send({ type: 'startAudit' });
const exportReport = () => send({ type: 'exportReport' });
const exportDataset = () => send({ type: 'exportDataset' });
const views = new ViewSwitcher(store, { root: app, tabsBefore: toolbar.el, render: () => render(), focusGrid: () => grid.el.focus(), startAudit, exportReport, exportDataset });
const auditMode = new AuditMode(app, store, notices, {
  render: () => render(),
  requestDetail: (id) => requestDetailFor(id),
  help: () => sheet.toggle(),
  show: (v) => views.show(v),
  startAudit,
  refocus: () => views.focusContent(),
});
const dashboardMode = new DashboardMode(app, store, notices, {
  render: () => render(),
  exportReport,
  auditSample: () => {
    auditMode.toFirstAwaiting();
    views.show('audit');
  },
});
const clustersMode = new ClustersMode(app, store, notices, actions, {
  render: () => render(),
  show: (v) => views.show(v),
  help: () => sheet.toggle(),
  needThumbs: (ids) => requestThumbs(ids),
  refocus: () => views.focusContent(),
});
views.add('audit', auditMode);
views.add('dashboard', dashboardMode);
views.add('clusters', clustersMode);

// ---- rendering -----------------------------------------------------------------------------------
let frame = 0;
function render(): void {
  if (frame) return;
  frame = requestAnimationFrame(() => {
    frame = 0;
    header.render(store);
    views.render();
    auditMode.render();
    dashboardMode.render();
    clustersMode.render();
    if (store.view !== 'grid') return;
    toolbar.render(store.categories, store.filter, issueSummary(store.issues, store.filter.issue), issueOf(store.issues, store.filter.issue, store.selection.focus));
    explore.render();
    bulk.render(store);
    grid.setItems(store.filtered, store.indexOf(store.selection.focus));
    grid.render();
    detail.render(store);
    const img = store.focused;
    if (img) requestDetailFor(img.id);
  });
}

let lastThumbRequest = '';
function requestThumbs(ids: string[]): void {
  const key = ids.join('\n');
  if (key === lastThumbRequest) return;
  lastThumbRequest = key;
  send({ type: 'requestThumbs', ids });
}

let detailAsked: unknown = null;
let detailTimer: ReturnType<typeof setTimeout> | undefined;
/** Asks for an image's details once per version of its summary (the grid's focus, or the audited image). */
function requestDetailFor(id: string): void {
  const img = store.images.get(id);
  if (!img || detailAsked === img) return;
  detailAsked = img;
  clearTimeout(detailTimer);
  detailTimer = setTimeout(() => void fetchDetail(id), store.detail?.id === id ? 0 : 40);
}

async function fetchDetail(id: string): Promise<void> {
  try {
    const d = await rpc.sendRequest('requestDetail', { id });
    // Only the latest ask counts (an older answer may arrive after a newer one).
    if (store.images.get(id) === detailAsked) store.detail = d;
  } catch (e) {
    notices.show('error', `Could not show ${id}: ${problemOf(e).message}`, 10000);
  }
  render();
}

let issuesAsked = 0;
/** Asks for the label issues (suspect labels, near duplicates) behind the issue filters. */
async function fetchLabelIssues(): Promise<void> {
  const n = ++issuesAsked;
  try {
    const issues = await rpc.sendRequest('requestLabelIssues', {});
    if (n !== issuesAsked) return;
    store.issues = issues;
    store.refilter();
  } catch (e) {
    notices.show('error', `Could not find label issues: ${problemOf(e).message}`, 10000);
  }
  render();
}

function setFilter(p: Partial<FilterState>): void {
  if (p.issue !== undefined && p.issue !== store.filter.issue) {
    store.issues = null;
    if (p.issue) void fetchLabelIssues();
  }
  store.setFilter(p);
  saveState({ filter: store.filter });
  const i = store.indexOf(store.selection.focus);
  grid.setItems(store.filtered, i);
  grid.scrollToContent(0);
  if (i >= 0) grid.reveal(i);
  render();
}

function focusImage(id: string): void {
  if (store.indexOf(id) < 0) return;
  store.selection = moveSelect(store.selection, id, store.order, false);
  grid.reveal(store.indexOf(id));
  render();
}

function doSelectAll(): void {
  store.selection = selectAll(store.selection, store.order);
  render();
}

function collapseSelection(): void {
  const f = store.selection.focus;
  store.selection = { focus: f, anchor: f, selected: new Set(f ? [f] : []) };
  render();
}

function move(dir: Parameters<typeof moveIndex>[1], extend: boolean): void {
  const i = moveIndex(store.indexOf(store.selection.focus), dir, store.order.length, grid.columns(), grid.rowsPerPage());
  if (i < 0) return;
  store.selection = moveSelect(store.selection, store.order[i], store.order, extend);
  grid.reveal(i);
  render();
}

// ---- host messages -------------------------------------------------------------------------------
let issuesTimer: ReturnType<typeof setTimeout> | undefined;
onHostMessage((m: HostMessage) => {
  switch (m.type) {
    case 'response':
      rpc.onResponse(m);
      return;
    case 'init':
      store.init(m.init);
      if (store.filter.issue) void fetchLabelIssues();
      grid.setThumbSize(m.init.thumbnailSize);
      grid.el.focus();
      break;
    case 'initMore':
      store.appendInit(unpackSummaries(m.packed), m.last);
      if (!m.last) return;
      break;
    case 'upsert': {
      const advanceFrom = store.advanceFrom;
      store.upsert(m.images, m.external);
      if (advanceFrom && m.images.some((i) => i.id === advanceFrom)) {
        store.advanceFrom = null;
        if (store.selection.focus === advanceFrom && store.selection.selected.size <= 1) move('next', false);
      }
      dashboardMode.sidecarsChanged();
      if (store.filter.issue) {
        // Labels changed: the issue lists may have too.
        clearTimeout(issuesTimer);
        issuesTimer = setTimeout(() => void fetchLabelIssues(), 500);
      }
      if (m.external && m.images.length) {
        const n = m.images.length;
        notices.show('info', n === 1 ? `${m.images[0].id} changed on disk; showing the new version.` : `${n} sidecars changed on disk; showing the new versions.`, 5000);
      }
      break;
    }
    case 'remove':
      store.remove(m.ids);
      break;
    case 'thumbs':
      for (const t of m.items) store.thumbs.set(t.id, t.uri ? { uri: t.uri } : { error: t.error ?? 'no preview' });
      lastThumbRequest = '';
      break;
    case 'run':
      store.run = m.run;
      clustersMode.onRun(m.run);
      break;
    case 'audit':
      auditMode.onAudit(m);
      dashboardMode.sidecarsChanged();
      break;
    case 'showView':
      if (m.view === 'audit') auditMode.toFirstAwaiting();
      views.show(m.view);
      break;
    case 'rescorePreview':
      explore.onPreview(m.preview);
      break;
    case 'notice':
      notices.show(m.level, m.text, m.level === 'error' ? 0 : 8000);
      break;
  }
  render();
});

// ---- keyboard ------------------------------------------------------------------------------------
document.addEventListener('keydown', (e) => {
  if (sheet.open || auditMode.modalOpen || clustersMode.modalOpen) return;
  const t = e.target as HTMLElement;
  if (store.view === 'clusters') {
    if (t.closest('input, textarea, select') || (t.closest('vscode-button, button') && (e.key === 'Enter' || e.key === ' '))) return;
    if (clustersMode.onKey(e)) {
      e.preventDefault();
      e.stopPropagation();
    }
    return;
  }
  if (store.view !== 'grid') {
    if (t.closest('input, textarea, select') || (t.closest('vscode-button, button') && (e.key === 'Enter' || e.key === ' '))) return;
    if (auditMode.onKey(e)) {
      e.preventDefault();
      e.stopPropagation();
    }
    return;
  }
  const a = keyAction(e);
  if (!a) return;
  // Form controls keep their own keys (arrows in a dropdown); only Ctrl/Cmd shortcuts pass through.
  if (t.closest('vscode-dropdown, vscode-checkbox, input, textarea, select') && !(e.ctrlKey || e.metaKey)) return;
  if (t.closest('vscode-button, button') && (e.key === 'Enter' || e.key === ' ')) return;
  e.preventDefault();
  e.stopPropagation();
  switch (a.kind) {
    case 'move':
      return move(a.dir, a.extend);
    case 'accept':
      return actions.accept();
    case 'reject':
      return actions.reject();
    case 'assign':
      return actions.assign(a.index);
    case 'undo':
      return actions.undo();
    case 'redo':
      return actions.redo();
    case 'help':
      return sheet.toggle();
    case 'selectAll':
      return doSelectAll();
    case 'escape':
      if (store.selection.selected.size <= 1 && explore.escape()) return;
      return collapseSelection();
    case 'search':
      return explore.focusSearch();
    case 'moreLikeThis':
      if (store.focused?.classified) explore.moreLikeThis(store.focused.id);
      return;
  }
});

send({ type: 'ready' });
