// Token totals of a run, from the classifier's usage counters before and after it. A server that
// reported nothing gives `null` ("not reported"), never 0: zero would claim the calls were free.
import type { UsageTotals } from './classifier';

export interface TokenTotals {
  prompt: number;
  completion: number;
  total: number;
}

export const NO_USAGE: UsageTotals = { requests: 0, reported: 0, promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/** What happened between two readings of a classifier's usage counters. */
export function usageBetween(before: UsageTotals, after: UsageTotals): UsageTotals {
  return {
    requests: after.requests - before.requests,
    reported: after.reported - before.reported,
    promptTokens: after.promptTokens - before.promptTokens,
    completionTokens: after.completionTokens - before.completionTokens,
    totalTokens: after.totalTokens - before.totalTokens,
  };
}

export function addUsage(a: UsageTotals, b: UsageTotals): UsageTotals {
  return {
    requests: a.requests + b.requests,
    reported: a.reported + b.reported,
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
  };
}

/** The run's `tokens`: zeros when no request was made, null when requests were made and none reported usage. */
export function tokenTotals(u: UsageTotals): TokenTotals | null {
  if (u.requests > 0 && u.reported === 0) return null;
  return { prompt: u.promptTokens, completion: u.completionTokens, total: u.totalTokens };
}

/** "Tokens: 1,234 prompt + 56 completion = 1,290 total", or "not reported by the server". */
export function formatTokens(tokens: TokenTotals | null, u?: Pick<UsageTotals, 'requests' | 'reported'>): string {
  if (!tokens) return 'not reported by the server';
  const n = (v: number) => v.toLocaleString('en-US');
  const partial = u && u.reported < u.requests ? ` (usage reported for ${u.reported} of ${u.requests} requests)` : '';
  return `${n(tokens.prompt)} prompt + ${n(tokens.completion)} completion = ${n(tokens.total)} total${partial}`;
}
