// Whether an endpoint is this machine: images sent there do not leave it, so no consent is needed.

/** A host name that is this machine: localhost, ::1 or a full 127.x.y.z address. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** An endpoint on this machine (an invalid URL is not). */
export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}
