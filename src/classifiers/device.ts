// Which ONNX Runtime execution provider the towers run on. `auto` tries the platform's accelerator
// first (CoreML on macOS, DirectML on Windows, CUDA on Linux x64 when its libraries load) and falls
// back to the CPU; an explicit device that cannot start also falls back, with one message saying why.
import { existsSync } from 'node:fs';
import * as path from 'node:path';

export const DEVICES = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export type DeviceChoice = (typeof DEVICES)[number];
/** A device that actually runs (never `auto`). */
export type Device = Exclude<DeviceChoice, 'auto'>;

export function isDeviceChoice(v: unknown): v is DeviceChoice {
  return typeof v === 'string' && (DEVICES as readonly string[]).includes(v);
}

/** The devices to try, in order; always ends with `cpu`. */
export function devicePlan(choice: DeviceChoice = 'auto', platform: NodeJS.Platform = process.platform, arch: string = process.arch): Device[] {
  if (choice === 'cpu') return ['cpu'];
  if (choice !== 'auto') return [choice, 'cpu'];
  if (platform === 'darwin') return ['coreml', 'cpu'];
  if (platform === 'win32') return ['dml', 'cpu'];
  if (platform === 'linux' && arch === 'x64') return ['cuda', 'cpu'];
  return ['cpu'];
}

/** ONNX Runtime session options for a device (ORT still places unsupported nodes on the CPU). */
export function deviceSessionOptions(device: Device): { executionProviders: string[]; logSeverityLevel?: number } {
  // A trial of an accelerator must not print ORT's own red error lines: our one message says why.
  return device === 'cpu' ? { executionProviders: ['cpu'] } : { executionProviders: [device], logSeverityLevel: 4 };
}

/** The one line a user sees when the requested device could not start. */
export function fallbackMessage(choice: DeviceChoice, tried: Device, reason: string): string {
  const why = reason.split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
  return choice === 'auto'
    ? `device auto: ${tried} is not available here (${why}); running on the CPU.`
    : `device ${tried} could not start (${why}); fell back to the CPU.`;
}

/**
 * A reason the device cannot start that is known before asking ONNX Runtime (which would print its
 * own error lines): onnxruntime-node ships CUDA's provider library only when installed for it.
 */
export function knownUnavailable(device: Device, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string | undefined {
  if (device !== 'cuda') return undefined;
  if (platform !== 'linux' && platform !== 'win32') return `onnxruntime-node has no CUDA build for ${platform}`;
  let pkg: string;
  try {
    pkg = path.dirname(require.resolve('onnxruntime-node/package.json'));
  } catch {
    return undefined;
  }
  const lib = platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  if (existsSync(path.join(pkg, 'bin', 'napi-v6', platform, arch, lib))) return undefined;
  // npm does not run onnxruntime-node's install script (package.json "allowScripts"): it is run by hand,
  // where it and its dependency are present (a source checkout; the packaged extension has neither).
  const script = path.join(pkg, 'script', 'install.js');
  const runnable = existsSync(script) && ['..', 'node_modules'].some((d) => existsSync(path.join(pkg, d, 'global-agent', 'package.json')));
  return runnable
    ? `onnxruntime-node's CUDA provider (${lib}) is not installed; install it (a download) with: node "${script}" --onnxruntime-node-install=cuda12`
    : `onnxruntime-node's CUDA provider (${lib}) is not part of this installation (the packaged extension carries ONNX Runtime's default build); use the CLI from a source checkout with the provider installed (README, Devices)`;
}
