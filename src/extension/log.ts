// The "Image Triage" output channel: every run, every refused panel message, every error.
import * as vscode from 'vscode';

export type Logger = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error' | 'debug' | 'show'>;

export function createLogger(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Image Triage', { log: true });
}
