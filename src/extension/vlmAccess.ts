// The VLM API key (kept in VS Code's SecretStorage, never in settings) and the consent asked before
// any image is sent to an endpoint that is not on this machine.
import * as vscode from 'vscode';
import { decideConsent, type Destination } from './consent';

export { isLoopbackUrl } from './consent';

const KEY = 'imageTriage.vlm.apiKey';

export async function getVlmApiKey(secrets: vscode.SecretStorage): Promise<string | undefined> {
  return (await secrets.get(KEY)) || undefined;
}

/** The "Set VLM API Key" command. An empty entry removes the stored key. */
export async function setVlmApiKey(secrets: vscode.SecretStorage): Promise<void> {
  const value = await vscode.window.showInputBox({
    title: 'Image Triage: VLM API key',
    prompt: 'Stored in VS Code secret storage and sent only to imageTriage.vlm.baseUrl. Leave empty to remove the stored key.',
    password: true,
    ignoreFocusOut: true,
  });
  if (value === undefined) return;
  if (value.trim()) {
    await secrets.store(KEY, value.trim());
    void vscode.window.showInformationMessage('Image Triage: VLM API key saved in secret storage.');
  } else {
    await secrets.delete(KEY);
    void vscode.window.showInformationMessage('Image Triage: VLM API key removed.');
  }
}

/**
 * True when images may go to `dest`: it is on this machine, the user agreed to it before ("Always"),
 * or agrees now in a modal question that names it. Asked before anything is sent.
 */
export function ensureRemoteConsent(state: vscode.Memento, dest: Destination, folderName: string, count: number, why?: string): Promise<boolean> {
  return decideConsent(state, dest, folderName, count, (q) => vscode.window.showWarningMessage(q.message, { modal: true, detail: q.detail }, q.once, q.always), why);
}
