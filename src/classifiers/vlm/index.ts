// The VLM classifier's public surface. See vlmClassifier.ts for the flow, backend.ts for the seam a
// VS Code Language Model API backend implements.
export { createVlmClassifier, vlmCheckpoint, DEFAULT_CONCURRENCY } from './vlmClassifier';
export type { VlmClassifier, VlmClassifierOptions, UsageTotals } from './vlmClassifier';
export { VlmSetupError, isAbortError, redact } from './backend';
export type { VlmBackend, VlmRequest, VlmImage, VlmCompletion, TokenUsage } from './backend';
export { createOpenAiBackend, normaliseBaseUrl, displayEndpoint, API_KEY_HINT, DEFAULT_TIMEOUT_MS } from './openaiBackend';
export type { OpenAiBackend, OpenAiBackendOptions } from './openaiBackend';
export { PROMPT_VERSION, VLM_TEMPERATURE, CARD_SCHEMA_NAME, buildPrompt, buildRepairPrompt, cardJsonSchema, categoriesJson } from './prompt';
export type { VlmPrompt } from './prompt';
export { extractJson } from './parse';
export { validateCard, coerceScore } from './validate';
export type { PredictionMeta, ValidateResult } from './validate';
export { prepareImage, ImagePrepareError, DEFAULT_MAX_IMAGE_SIDE } from './image';
export { Limiter, withRetries, parseRetryAfter, backoffDelay, TransportError, DEFAULT_RETRY_POLICY, realSleep, abortError } from './transport';
export type { RetryPolicy, TransportClock, Sleep } from './transport';
