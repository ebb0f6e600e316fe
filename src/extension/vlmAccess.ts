// The VLM API key (kept in VS Code's SecretStorage, never in settings) and the consent asked before
// any image is sent to an endpoint that is not on this machine.
import * as vscode from 'vscode';

/** An endpoint on this machine: images do not leave it. */
export function isLoopbackUrl(url: string): boolean {
  try {
    const h = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return h === 'localhost' || h === '::1' || /^127\./.test(h);
  } catch {
    return false;
  }
}

const KEY = 'imageTriage.vlm.apiKey';
const CONSENT = 'imageTriage.vlm.consentedOrigins';

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
 * True when images may go to `baseUrl`: it is on this machine, the user agreed to this origin before
 * ("Always"), or agrees now. Asked before anything is sent.
 */
export async function ensureRemoteConsent(state: vscode.Memento, baseUrl: string, folderName: string, count: number): Promise<boolean> {
  if (isLoopbackUrl(baseUrl)) return true;
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    return false;
  }
  const agreed = state.get<string[]>(CONSENT, []);
  if (agreed.includes(origin)) return true;
  const once = 'Send images';
  const always = `Always send to ${new URL(origin).host}`;
  const pick = await vscode.window.showWarningMessage(
    `Send ${count} image${count === 1 ? '' : 's'} from "${folderName}" to ${origin}?`,
    {
      modal: true,
      detail: `The VLM classifier uploads every image to ${baseUrl} (imageTriage.vlm.baseUrl). Continue only if you may share these images with that service.`,
    },
    once,
    always,
  );
  if (pick === always) await state.update(CONSENT, [...agreed, origin]);
  return pick === once || pick === always;
}
