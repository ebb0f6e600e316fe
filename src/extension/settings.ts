// The imageTriage.* settings, read for the folder being worked on (so folder settings apply).
import * as vscode from 'vscode';
import { DEFAULT_ZERO_SHOT_MODEL, type Dtype } from '../classifiers/config';
import type { Mode } from '../core/types';
import { DEFAULT_CASCADE_WHEN } from '../core/cascadeRule';

/** What Classify Images runs: one classifier, or the cascade (zero-shot, then the VLM where unsure). */
export type ClassifierSetting = 'zero-shot' | 'vlm' | 'cascade';
import { isDeviceChoice, type DeviceChoice } from '../classifiers/device';

export interface Settings {
  model: string;
  dtype: Dtype;
  /** imageTriage.modelRevision: branch, tag or commit of a hub model ('' = main). */
  revision: string;
  /** imageTriage.logitScale / logitBias: for SigLIP checkpoints not in the known table. */
  logit?: { scale?: number; bias?: number; from: 'setting' };
  device: DeviceChoice;
  /** imageTriage.lanes: vision sessions side by side on the CPU. */
  lanes: number;
  /** imageTriage.encoderUrl: an Open Inference Protocol server running both towers ('' = run here). */
  encoderUrl: string;
  mode: 'fromFile' | Mode;
  batchSize: number;
  thumbnailSize: number;
  classifier: ClassifierSetting;
  /** imageTriage.cascade.when: the rule that sends a zero-shot card to the VLM. */
  cascadeWhen: string;
  vlm: { provider: VlmProvider; baseUrl: string; model: string; lmModelId: string; concurrency: number; timeoutMs: number; maxImageSide: number; askForLocalEndpoints: boolean };
}

/** Who serves the VLM: an OpenAI-compatible HTTP endpoint, or a VS Code Language Model API chat model. */
export type VlmProvider = 'openai-compatible' | 'vscode-lm';

const clampInt = (v: unknown, lo: number, hi: number, dflt: number) =>
  typeof v === 'number' && Number.isFinite(v) ? Math.min(hi, Math.max(lo, Math.round(v))) : dflt;

export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('imageTriage', scope);
  const dtype = c.get<string>('dtype', 'fp32');
  const mode = c.get<string>('mode', 'fromFile');
  return {
    model: (c.get<string>('model') || DEFAULT_ZERO_SHOT_MODEL).trim(),
    dtype: dtype === 'q8' || dtype === 'fp16' ? dtype : 'fp32',
    revision: (c.get<string>('modelRevision') || '').trim(),
    logit: logitSetting(c.get('logitScale'), c.get('logitBias')),
    device: isDeviceChoice(c.get('device')) ? c.get<DeviceChoice>('device')! : 'auto',
    encoderUrl: (c.get<string>('encoderUrl') || '').trim(),
    lanes: clampInt(c.get('lanes'), 1, 16, 2),
    mode: mode === 'single_label' || mode === 'multi_label' ? mode : 'fromFile',
    batchSize: clampInt(c.get('batchSize'), 1, 256, 16),
    thumbnailSize: clampInt(c.get('thumbnailSize'), 64, 512, 160),
    classifier: classifierSetting(c.get<string>('classifier')),
    cascadeWhen: (c.get<string>('cascade.when') || DEFAULT_CASCADE_WHEN).trim(),
    vlm: {
      provider: c.get<string>('vlm.provider') === 'vscode-lm' ? 'vscode-lm' : 'openai-compatible',
      baseUrl: (c.get<string>('vlm.baseUrl') || '').trim(),
      model: (c.get<string>('vlm.model') || '').trim(),
      lmModelId: (c.get<string>('vlm.lmModelId') || '').trim(),
      concurrency: clampInt(c.get('vlm.concurrency'), 1, 64, 4),
      timeoutMs: clampInt(c.get('vlm.timeoutMs'), 1000, 3_600_000, 120_000),
      maxImageSide: clampInt(c.get('vlm.maxImageSide'), 16, 8192, 1024),
      askForLocalEndpoints: c.get<boolean>('vlm.askBeforeSendingToLocalEndpoints') === true,
    },
  };
}

function logitSetting(scale: unknown, bias: unknown): Settings['logit'] {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const out = { scale: num(scale), bias: num(bias), from: 'setting' as const };
  return out.scale === undefined && out.bias === undefined ? undefined : out;
}

function classifierSetting(v: string | undefined): ClassifierSetting {
  return v === 'vlm' || v === 'cascade' ? v : 'zero-shot';
}

export function openSetting(id: string): Thenable<unknown> {
  return vscode.commands.executeCommand('workbench.action.openSettings', id);
}
