// Images go to a remote VLM endpoint only after the user agreed. On the command line, agreeing is
// the --send-images flag; endpoints on this machine (loopback) need no consent.
import { UsageError } from './args';
import { isLoopbackUrl } from '../core/loopback';
export { createVlmClassifier } from '../classifiers/vlm/vlmClassifier';

export function requireRemoteConsent(baseUrl: string, agreed: boolean): void {
  try {
    new URL(baseUrl);
  } catch {
    throw new UsageError(`--endpoint "${baseUrl}" is not a valid URL (example: http://localhost:11434/v1)`);
  }
  if (!isLoopbackUrl(baseUrl) && !agreed) {
    throw new UsageError(`--endpoint ${baseUrl} is not on this machine: your images would be uploaded to it. Add --send-images to agree.`);
  }
}
