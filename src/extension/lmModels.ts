// Choosing a Language Model API chat model: the picker's rows and finding the chosen one again.
// No vscode import (the API object is a parameter).
import type { LmApi, LmChatModel } from './lmApi';

export interface LmPickItem {
  label: string;
  description: string;
  detail: string;
  /** The model id stored in imageTriage.vlm.lmModelId. */
  id: string;
  picked: boolean;
}

/** false when the model says it takes no images; undefined when it does not say. */
export function takesImages(m: LmChatModel): boolean | undefined {
  const c = m.capabilities;
  if (!c) return undefined;
  if (typeof c.supportsImageToText === 'boolean') return c.supportsImageToText;
  if (typeof c.imageInput === 'boolean') return c.imageInput;
  return undefined;
}

/** One row per model: the current one first, then models that take images, then by vendor and name. */
export function modelPickItems(models: readonly LmChatModel[], currentId: string): LmPickItem[] {
  const rank = (m: LmChatModel) => (m.id === currentId ? 0 : takesImages(m) === false ? 2 : 1);
  return [...models]
    .sort((a, b) => rank(a) - rank(b) || a.vendor.localeCompare(b.vendor) || a.name.localeCompare(b.name))
    .map((m) => {
      const images = takesImages(m);
      const notes = [
        m.id === currentId ? 'current' : '',
        images === true ? 'takes images' : images === false ? 'no image input' : '',
        m.maxInputTokens ? `${m.maxInputTokens.toLocaleString('en-US')} input tokens` : '',
      ].filter(Boolean);
      return {
        label: m.name || m.id,
        description: [m.vendor, m.family, m.version].filter(Boolean).join(' · '),
        detail: `id ${m.id}${notes.length ? ` — ${notes.join(', ')}` : ''}`,
        id: m.id,
        picked: m.id === currentId,
      };
    });
}

/** The chat model with this id, or undefined when no provider offers it (now). */
export async function findLmModel(api: Pick<LmApi, 'lm'>, id: string): Promise<LmChatModel | undefined> {
  if (!id) return undefined;
  const models = await api.lm.selectChatModels({ id });
  return models.find((m) => m.id === id) ?? models[0];
}

/** Checkpoint recorded next to every score: '<model id> @ vscode-lm:<vendor>'. */
export function lmCheckpoint(m: Pick<LmChatModel, 'id' | 'vendor'>): string {
  return `${m.id} @ vscode-lm:${m.vendor}`;
}
