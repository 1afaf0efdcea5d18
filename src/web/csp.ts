// Content-Security-Policy for our two pages: our own scripts and styles, the API on the same origin (HTTP and
// WebSocket), data: fonts and icons (GraphiQL inlines its fonts), nothing else; no framing, no plugins.
export function contentSecurityPolicy(host: string | undefined): string {
  // 'self' covers ws:// to the same host in current browsers (CSP 3); the explicit entries keep older ones working.
  const sockets = host && /^[\w.-]+(:\d+)?$|^\[[\da-f:]+\](:\d+)?$/i.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src 'self'${sockets}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Headers every HTML page of ours carries. */
export function pageHeaders(host: string | undefined): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(host),
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
  };
}
