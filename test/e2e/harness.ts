// The end-to-end harness: everything a *.e2e.ts scenario imports.
//
//   import { scenario, startCodeServer, openWorkbench, ... } from './harness';
//   scenario('does X', async (t) => {
//     const server = await startCodeServer({ folder });   // the repo's extension, symlinked
//     t.cleanup(() => server.stop());
//     const page = await t.newPage();
//     await openWorkbench(page, server.url, folder);
//     ...
//   });
// API and gotchas: test/e2e/README.md.
export { scenario, type ScenarioContext } from './scenario';
export {
  startCodeServer,
  stopAllCodeServers,
  runningServers,
  extensionIdOf,
  DEFAULT_SETTINGS,
  type CodeServer,
  type CodeServerOptions,
} from './code-server';
export { launchBrowser, newPage, CHROMIUM_ARGS } from './browser';
export {
  openWorkbench,
  treeItem,
  rightClickTreeItem,
  clickContextMenuItem,
  contextMenuAction,
  runCommandFromPalette,
  waitForEnabledExtension,
  setTheme,
  themeKind,
  webviewFrame,
  screenshot,
  waitUntil,
  watchPage,
  notificationText,
  type ThemeKind,
} from './workbench';
export { tempDir, pngBytes, makeImageWorkspace } from './fixtures';
export { classifyInPanel, type ClassifiedPanel } from './classifyInPanel';
export { openReviewPanelFromExplorer } from './openPanel';
export { extensionLog, hostLogTails } from './hostLogs';
export { REPO_ROOT, OUTPUT_DIR } from './paths';
