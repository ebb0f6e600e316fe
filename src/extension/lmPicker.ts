// "Image Triage: Choose Language Model": a QuickPick over the VS Code Language Model API's chat models;
// the choice is stored in imageTriage.vlm.lmModelId and makes "vscode-lm" the VLM provider. On a VS
// Code without image input for chat models (< 1.106) it says so and how to use an endpoint instead.
import * as vscode from 'vscode';
import { detectLmApi, type LmHost } from './lmApi';
import { modelPickItems } from './lmModels';
import { openSetting } from './settings';
import type { Logger } from './log';

/** The running VS Code's Language Model API, if it can take images. */
export function lmSupport() {
  return detectLmApi(vscode as unknown as LmHost);
}

/** Shows why vscode-lm cannot work here, with a way to the OpenAI-compatible settings. */
export async function showLmUnsupported(message: string): Promise<void> {
  const use = 'Use an OpenAI-compatible endpoint';
  const pick = await vscode.window.showErrorMessage(`Image Triage: ${message}`, use);
  if (pick === use) await openSetting('imageTriage.vlm.baseUrl');
}

/** The configuration target that holds `key` now (workspace folder, workspace, else user settings). */
function targetOf(c: vscode.WorkspaceConfiguration, key: string): vscode.ConfigurationTarget {
  const i = c.inspect(key);
  if (i?.workspaceFolderValue !== undefined) return vscode.ConfigurationTarget.WorkspaceFolder;
  if (i?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

export async function chooseLanguageModel(log: Logger): Promise<string | undefined> {
  const support = lmSupport();
  if (!support.ok) {
    log.warn(`Choose Language Model: ${support.reason}`);
    await showLmUnsupported(support.message);
    return undefined;
  }
  const c = vscode.workspace.getConfiguration('imageTriage');
  const current = (c.get<string>('vlm.lmModelId') || '').trim();
  const models = await support.api.lm.selectChatModels();
  if (!models.length) {
    void vscode.window.showWarningMessage(
      'Image Triage: no language models are available. Install and sign in to an extension that provides chat models (for example GitHub Copilot Chat), or use an OpenAI-compatible endpoint (imageTriage.vlm.baseUrl).',
    );
    return undefined;
  }
  const pick = await vscode.window.showQuickPick(modelPickItems(models, current), {
    title: 'Image Triage: language model for the VLM classifier',
    placeHolder: 'The model must accept images. Images are sent to it only after you agree.',
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true, // the focus going back to a panel must not close the pick; Esc does
  });
  if (!pick) return undefined;
  await c.update('vlm.lmModelId', pick.id, targetOf(c, 'vlm.lmModelId'));
  if (c.get<string>('vlm.provider') !== 'vscode-lm') await c.update('vlm.provider', 'vscode-lm', targetOf(c, 'vlm.provider'));
  log.info(`VLM language model set to ${pick.id} (${pick.description})`);
  const useVlm = 'Use the VLM classifier';
  const isVlm = c.get<string>('classifier') === 'vlm' || c.get<string>('classifier') === 'cascade';
  const msg = `Image Triage will use ${pick.label} (${pick.description}) for the VLM classifier.${isVlm ? '' : ' The classifier setting is still "zero-shot".'}`;
  void vscode.window.showInformationMessage(msg, ...(isVlm ? [] : [useVlm])).then((b) => {
    if (b === useVlm) void c.update('classifier', 'vlm', targetOf(c, 'classifier'));
  });
  return pick.id;
}

/** Choosing "vscode-lm" in the settings on a VS Code that cannot use it says so at once. */
export function watchProviderSetting(log: Logger): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('imageTriage.vlm.provider')) return;
    if (vscode.workspace.getConfiguration('imageTriage').get<string>('vlm.provider') !== 'vscode-lm') return;
    const support = lmSupport();
    if (support.ok) return;
    log.warn(`imageTriage.vlm.provider = "vscode-lm" cannot work here: ${support.reason}`);
    void showLmUnsupported(support.message);
  });
}
