// Builds the classifier the settings ask for, lazily: the model code and weights load on the first
// run, and the loaded model is kept for the next run while the settings stay the same.
import * as vscode from 'vscode';
import type { Classifier, LoadProgress } from '../core/classifier';
import type { Settings } from './settings';
import { resolveModelSetting } from './modelSetting';
import { getVlmApiKey } from './vlmAccess';
import type { Logger } from './log';

/** A setup problem the user can fix; `setting` is the setting to open. */
export class SetupError extends Error {
  constructor(
    message: string,
    readonly setting?: string,
  ) {
    super(message);
    this.name = 'SetupError';
  }
}

export class ClassifierProvider implements vscode.Disposable {
  private cached: { key: string; classifier: Promise<Classifier> } | undefined;

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly log: Logger,
  ) {}

  async get(s: Settings, workspaceFolder: string | undefined, onProgress: (p: LoadProgress) => void): Promise<Classifier> {
    const spec = await this.spec(s, workspaceFolder);
    if (this.cached?.key !== spec.key) {
      await this.disposeCached();
      const classifier = spec.create(onProgress);
      this.cached = { key: spec.key, classifier };
      classifier.catch(() => {
        if (this.cached?.classifier === classifier) this.cached = undefined;
      });
    }
    return this.cached.classifier;
  }

  private async spec(s: Settings, workspaceFolder: string | undefined) {
    if (s.classifier === 'vlm') {
      if (!s.vlm.baseUrl) throw new SetupError('imageTriage.classifier is "vlm" but imageTriage.vlm.baseUrl is empty. Set it to an OpenAI-compatible endpoint, e.g. http://localhost:11434/v1.', 'imageTriage.vlm.baseUrl');
      if (!s.vlm.model) throw new SetupError('imageTriage.classifier is "vlm" but imageTriage.vlm.model is empty. Set it to the model name the endpoint serves.', 'imageTriage.vlm.model');
      const apiKey = await getVlmApiKey(this.ctx.secrets);
      const key = JSON.stringify(['vlm', s.vlm, apiKey ? 'key' : 'nokey']);
      return {
        key,
        create: async (): Promise<Classifier> => {
          const { createVlmClassifier } = await import('../classifiers/vlm/vlmClassifier');
          this.log.info(`Using VLM ${s.vlm.model} at ${s.vlm.baseUrl} (concurrency ${s.vlm.concurrency}, timeout ${s.vlm.timeoutMs} ms)`);
          return createVlmClassifier({ ...s.vlm, apiKey, log: (line) => this.log.debug(line) });
        },
      };
    }
    const resolved = resolveModelSetting(s.model, workspaceFolder);
    if (resolved.missing) {
      throw new SetupError(`The model folder ${resolved.model} (imageTriage.model = "${s.model}") does not exist. Set imageTriage.model to a folder with config.json, tokenizer.json, preprocessor_config.json and onnx/*.onnx, or to a Hugging Face model id.`, 'imageTriage.model');
    }
    const cacheDir = this.ctx.globalStorageUri.fsPath;
    const key = JSON.stringify(['zero-shot', resolved.model, s.dtype]);
    return {
      key,
      create: async (onProgress: (p: LoadProgress) => void): Promise<Classifier> => {
        const { createZeroShotClassifier } = await import('../classifiers/zeroShot');
        this.log.info(`Loading zero-shot model ${resolved.model} (${s.dtype}${resolved.isLocal ? ', local folder' : ', Hugging Face hub'}); cache ${cacheDir}`);
        const t0 = Date.now();
        const c = await createZeroShotClassifier({ kind: 'zero-shot', model: resolved.model, dtype: s.dtype, cacheDir, allowRemote: !resolved.isLocal, onProgress });
        this.log.info(`Model loaded in ${Date.now() - t0} ms: ${c.info.checkpoint} (revision ${c.info.revision})`);
        return c;
      },
    };
  }

  private async disposeCached(): Promise<void> {
    const old = this.cached;
    this.cached = undefined;
    if (!old) return;
    try {
      await (await old.classifier).dispose?.();
    } catch {
      /* it failed to load: nothing to free */
    }
  }

  dispose(): void {
    void this.disposeCached();
  }
}
