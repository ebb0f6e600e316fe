// Whether images may go to a VLM destination: the decision, without vscode (the question is asked
// through a function, the answers are remembered in a Memento-like store), so it is unit tested.
import { isLoopbackHost, isLoopbackUrl } from '../core/loopback';

/** Where images would go. `key` is what an "Always" answer is remembered under. */
export interface Destination {
  key: string;
  /** Named in the question, e.g. "https://api.openai.com". */
  name: string;
  /** Why and to what the images go, for the question's detail. */
  detail: string;
  /** On this machine: images do not leave it, no question. */
  local: boolean;
}

/**
 * A run whose images go to two places (cascade: the VLM and an encoder server): one question naming
 * each place that is not on this machine; agreeing once covers that pair only.
 */
export function bothDestinations(vlm: Destination, encoder: Destination | undefined): Destination {
  if (!encoder || encoder.local) return vlm;
  if (vlm.local) return encoder;
  return { key: `${vlm.key}+${encoder.key}`, name: `${vlm.name} and ${encoder.name}`, detail: `${vlm.detail} ${encoder.detail}`, local: false };
}

/** The part of vscode.Memento the decision uses. */
export interface ConsentStore {
  get<T>(key: string, defaultValue: T): T;
  update(key: string, value: unknown): PromiseLike<void>;
}

export interface ConsentQuestion {
  message: string;
  detail: string;
  /** Button: this run only. */
  once: string;
  /** Button: this run and every later one to the same destination. */
  always: string;
}

/** Asks the question; resolves with the button chosen, or undefined when dismissed. */
export type AskConsent = (q: ConsentQuestion) => PromiseLike<string | undefined>;

export const CONSENT_KEY = 'imageTriage.vlm.consentedOrigins';

export { isLoopbackHost, isLoopbackUrl };

/** The destination of an OpenAI-compatible endpoint (remembered per origin), or undefined when the URL is invalid. */
export function endpointDestination(baseUrl: string): Destination | undefined {
  let u: URL;
  try {
    u = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return undefined;
  return {
    key: u.origin,
    name: u.origin,
    detail: `The VLM classifier uploads every image to ${u.origin}${u.pathname.replace(/\/$/, '')} (imageTriage.vlm.baseUrl).`,
    local: isLoopbackHost(u.hostname),
  };
}

/** The destination of a model served through the VS Code Language Model API (remembered per model). */
export function lmDestination(model: { id: string; name: string; vendor: string }): Destination {
  return {
    key: `vscode-lm:${model.vendor}/${model.id}`,
    name: `${model.name} (${model.vendor})`,
    detail: `The VLM classifier gives every image to the language model "${model.name}" from "${model.vendor}" through the VS Code Language Model API (imageTriage.vlm.lmModelId); its provider may send it to an online service.`,
    local: false,
  };
}

/** The question for sending `count` images from `folderName` to `dest`; `why` (e.g. the cascade's) opens the detail. */
export function consentQuestion(dest: Destination, folderName: string, count: number, why?: string): ConsentQuestion {
  const host = dest.key.startsWith('vscode-lm:') ? dest.name : hostOf(dest.key);
  return {
    message: `Send ${count} image${count === 1 ? '' : 's'} from "${folderName}" to ${dest.name}?`,
    detail: `${why ? `${why} ` : ''}${dest.detail} Continue only if you may share these images with that service.`,
    once: 'Send images',
    always: `Always send to ${host}`,
  };
}

function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin;
  }
}

/**
 * True when images may go to `dest`: it is on this machine, the user agreed to it before ("Always"),
 * or agrees now. Declining (or dismissing) returns false and remembers nothing.
 */
export async function decideConsent(store: ConsentStore, dest: Destination, folderName: string, count: number, ask: AskConsent, why?: string): Promise<boolean> {
  if (dest.local) return true;
  const agreed = store.get<unknown>(CONSENT_KEY, []);
  const list = Array.isArray(agreed) ? agreed.filter((x): x is string => typeof x === 'string') : [];
  if (list.includes(dest.key)) return true;
  const q = consentQuestion(dest, folderName, count, why);
  const pick = await ask(q);
  if (pick === q.always) await store.update(CONSENT_KEY, [...list, dest.key]);
  return pick === q.once || pick === q.always;
}
