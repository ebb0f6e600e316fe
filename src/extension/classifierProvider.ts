// Builds the classifier the settings ask for, lazily: the model code and weights load on the first
// run, and the loaded model is kept for the next run while the settings stay the same.
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { Classifier, LoadProgress } from '../core/classifier';
import type { Settings } from './settings';
import { resolveModelSetting } from './modelSetting';
import { getVlmApiKey } from './vlmAccess';
import { bothDestinations, endpointDestination, lmDestination, type Destination } from './consent';
import type { LmApi, LmChatModel } from './lmApi';
import { createLmBackend } from './lmBackend';
import { findLmModel, lmCheckpoint } from './lmModels';
import { lmSupport } from './lmPicker';
import type { Logger } from './log';

/** A setup problem the user can fix; `setting` is the setting to open. */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
    /** A command that fixes it (offered as a button). */
    readonly command?: string,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

type Slot = 'zero-shot' | 'vlm';

export class ClassifierProvider implements vscode.Disposable {
  /** One loaded classifier per kind, kept while its settings stay the same (the cascade uses both). */
  private readonly cached = new Map<Slot, { key: string; classifier: Promise<Classifier> }>();

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {}

  /** The classifier of `imageTriage.classifier` ("zero-shot" or "vlm"; for "cascade" use getCascade). */
  async get(s: Settings, workspaceFolder: string | undefined, onProgress: (p: LoadProgress) => void): Promise<Classifier> {
    const kind: Slot = s.classifier === 'vlm' ? 'vlm' : 'zero-shot';
    await this.disposeCached(kind === 'vlm' ? 'zero-shot' : 'vlm'); // not needed by this run: free the memory
    return this.slot(kind, s, workspaceFolder, onProgress);
  }

  /** Both classifiers of a cascade; the VLM's settings are checked before the zero-shot model loads. */
  async getCascade(s: Settings, workspaceFolder: string | undefined, onProgress: (p: LoadProgress) => void): Promise<{ zeroShot: Classifier; vlm: Classifier }> {
    const vlm = await this.slot('vlm', s, workspaceFolder, onProgress);
    return { zeroShot: await this.slot('zero-shot', s, workspaceFolder, onProgress), vlm };
  }

  private async slot(kind: Slot, s: Settings, workspaceFolder: string | undefined, onProgress: (p: LoadProgress) => void): Promise<Classifier> {
    const spec = await this.spec(kind, s, workspaceFolder);
    let entry = this.cached.get(kind);
    if (entry?.key !== spec.key) {
      await this.disposeCached(kind);
      const classifier = spec.create(onProgress);
      entry = { key: spec.key, classifier };
      this.cached.set(kind, entry);
      classifier.catch(() => {
        if (this.cached.get(kind)?.classifier === classifier) this.cached.delete(kind);
      });
    }
    return entry.classifier;
  }

  /**
   * Where the images of a run with these settings go, for the consent question; undefined for the
   * zero-shot classifier (it runs here). Throws a SetupError when the VLM settings cannot work.
   */
  async destination(s: Settings): Promise<Destination | undefined> {
    const encoder = this.encoderDestination(s);
    if (s.classifier === 'zero-shot') return encoder;
    const vlm = await this.vlmDestination(s);
    // cascade with an encoder server elsewhere: the images go to both, so the question names both.
    return s.classifier === 'cascade' ? bothDestinations(vlm, encoder) : vlm;
  }

  private encoderDestination(s: Settings): Destination | undefined {
    if (!s.encoderUrl) return undefined;
    const dest = endpointDestination(s.encoderUrl);
    if (!dest) throw new SetupError(`imageTriage.encoderUrl "${s.encoderUrl}" is not an http(s) URL. Set it to an Open Inference Protocol server (Triton, KServe), e.g. http://localhost:8000, or clear it to run the model here.`, 'imageTriage.encoderUrl');
    return { ...dest, key: `encoder:${dest.key}`, detail: `The zero-shot classifier sends every image's preprocessed pixels to the encoder server ${dest.name} (imageTriage.encoderUrl).` };
  }

  private async vlmDestination(s: Settings): Promise<Destination> {
    if (s.vlm.provider === 'vscode-lm') return lmDestination((await this.lmModel(s)).model);
    this.checkEndpoint(s);
    const dest = endpointDestination(s.vlm.baseUrl);
    if (!dest) throw new SetupError(`imageTriage.vlm.baseUrl "${s.vlm.baseUrl}" is not an http(s) URL. Set it to an OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.`, 'imageTriage.vlm.baseUrl');
    // A local URL can still be a tunnel or proxy to a remote service: the user may want to be asked.
    return s.vlm.askForLocalEndpoints ? { ...dest, local: false } : dest;
  }

  private checkEndpoint(s: Settings): void {
    if (!s.vlm.baseUrl) throw new SetupError(`imageTriage.classifier is "${s.classifier}" but imageTriage.vlm.baseUrl is empty. Set it to an OpenAI-compatible endpoint, e.g. http://localhost:11434/v1, or set imageTriage.vlm.provider to "vscode-lm" (VS Code 1.106+).`, 'imageTriage.vlm.baseUrl');
    if (!s.vlm.model) throw new SetupError(`imageTriage.classifier is "${s.classifier}" but imageTriage.vlm.model is empty. Set it to the model name the endpoint serves.`, 'imageTriage.vlm.model');
  }

  /** The chosen Language Model API chat model, or a SetupError that says what to do. */
  private async lmModel(s: Settings): Promise<{ api: LmApi; model: LmChatModel }> {
    const support = lmSupport();
    if (!support.ok) throw new SetupError(support.message, 'imageTriage.vlm.provider');
    if (!s.vlm.lmModelId) throw new SetupError('imageTriage.vlm.provider is "vscode-lm" but no language model is chosen. Run "Image Triage: Choose Language Model".', 'imageTriage.vlm.lmModelId', 'imageTriage.chooseLanguageModel');
    const model = await findLmModel(support.api, s.vlm.lmModelId);
    if (!model) throw new SetupError(`The language model "${s.vlm.lmModelId}" (imageTriage.vlm.lmModelId) is not available now: its provider extension may be disabled or signed out. Run "Image Triage: Choose Language Model" to pick another.`, 'imageTriage.vlm.lmModelId', 'imageTriage.chooseLanguageModel');
    return { api: support.api, model };
  }

  private async spec(kind: Slot, s: Settings, workspaceFolder: string | undefined) {
    if (kind === 'vlm' && s.vlm.provider === 'vscode-lm') {
      const { concurrency, timeoutMs, lmModelId, maxImageSide } = s.vlm;
      return {
        key: JSON.stringify(['vlm', 'vscode-lm', lmModelId, concurrency, timeoutMs, maxImageSide]),
        create: async (): Promise<Classifier> => {
          const { api, model } = await this.lmModel(s);
          const { createVlmClassifier } = await import('../classifiers/vlm/vlmClassifier');
          this.log.info(`Using VLM ${model.name} (${model.vendor}, id ${model.id}) through the VS Code Language Model API (concurrency ${concurrency}, timeout ${timeoutMs} ms)`);
          return createVlmClassifier({
            baseUrl: `vscode-lm:${model.vendor}`,
            model: model.id,
            checkpoint: lmCheckpoint(model),
            backend: createLmBackend(api, model, { timeoutMs }),
            concurrency,
            timeoutMs,
            maxImageSide,
            log: (line) => this.log.debug(line),
          });
        },
      };
    }
    if (kind === 'vlm') {
      this.checkEndpoint(s);
      const apiKey = await getVlmApiKey(this.ctx.secrets);
      const { baseUrl, model, concurrency, timeoutMs, maxImageSide } = s.vlm;
      // A changed key builds a new classifier; the cache key holds only a hash of it.
      const keyId = apiKey ? createHash('sha256').update(apiKey).digest('hex').slice(0, 12) : 'nokey';
      const key = JSON.stringify(['vlm', baseUrl, model, concurrency, timeoutMs, maxImageSide, keyId]);
      return {
        key,
        create: async (): Promise<Classifier> => {
          const { createVlmClassifier } = await import('../classifiers/vlm/vlmClassifier');
          this.log.info(`Using VLM ${model} at ${baseUrl} (concurrency ${concurrency}, timeout ${timeoutMs} ms, images up to ${maxImageSide} px${apiKey ? ', API key from secret storage' : ''})`);
          return createVlmClassifier({ baseUrl, model, concurrency, timeoutMs, maxImageSide, apiKey, log: (line) => this.log.debug(line) });
        },
      };
    }
    const resolved = resolveModelSetting(s.model, workspaceFolder);
    if (resolved.missing) {
      throw new SetupError(`The model folder ${resolved.model} (imageTriage.model = "${s.model}") does not exist. Set imageTriage.model to a folder with config.json, tokenizer.json, preprocessor_config.json and onnx/*.onnx, or to a Hugging Face model id.`, 'imageTriage.model');
    }
    const cacheDir = this.ctx.globalStorageUri.fsPath;
    const key = JSON.stringify(['zero-shot', resolved.model, s.dtype, s.revision, s.logit ?? null, s.device, s.encoderUrl, s.lanes]);
    return {
      key,
      create: async (onProgress: (p: LoadProgress) => void): Promise<Classifier> => {
        const { createZeroShotClassifier } = await import('../classifiers/zeroShot');
        this.log.info(`Loading zero-shot model ${resolved.model} (${s.dtype}${resolved.isLocal ? ', local folder' : ', Hugging Face hub'}); cache ${cacheDir}`);
        const t0 = Date.now();
        const c = await createZeroShotClassifier({ kind: 'zero-shot', model: resolved.model, dtype: s.dtype, cacheDir, allowRemote: !resolved.isLocal, onProgress, revision: s.revision || undefined, logit: s.logit, device: s.device, encoderUrl: s.encoderUrl || undefined, lanes: s.lanes });
        const logit = (c as { logit?: { scale: number; bias: number; source: string } }).logit;
        this.log.info(`Model loaded in ${Date.now() - t0} ms: ${c.info.checkpoint} (revision ${c.info.revision}, device ${c.info.device})${logit ? `; logit scale ${logit.scale}, bias ${logit.bias} (${logit.source})` : ''}`);
        if (c.info.deviceNote) {
          this.log.warn(c.info.deviceNote);
          // An explicit choice that could not start is news; auto falling back to the CPU is not.
          if (s.device !== 'auto') void vscode.window.showWarningMessage(`Image Triage: ${c.info.deviceNote}`, 'Open Setting').then((b) => b && vscode.commands.executeCommand('workbench.action.openSettings', 'imageTriage.device'));
        }
        return c;
      },
    };
  }

  private async disposeCached(kind: Slot): Promise<void> {
    const old = this.cached.get(kind);
    this.cached.delete(kind);
    if (!old) return;
    try {
      await (await old.classifier).dispose?.();
    } catch {
      /* it failed to load: nothing to free */
    }
  }

  dispose(): void {
    void this.disposeCached('zero-shot');
    void this.disposeCached('vlm');
  }
}
