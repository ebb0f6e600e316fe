// The one error a cancelled run or request rejects with: name 'AbortError', so callers can tell
// cancellation from failure.
export function abortError(message = 'The run was cancelled.'): Error {
  const e = new Error(message);
  e.name = 'AbortError';
  return e;
}
