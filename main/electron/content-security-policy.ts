/**
 * The one Content-Security-Policy of the renderer, used by Electron main (header on every response of the app
 * protocol) and by the browser-mode server (header on every response). No 'unsafe-eval', no inline scripts, no
 * remote content. `style-src 'unsafe-inline'` is NOT granted: React sets style props through CSSOM, which CSP
 * does not restrict; a library that injects <style> elements would need it (change STYLE_SOURCES then).
 * This file imports nothing, so main/server can use it without touching electron.
 */
export const STYLE_SOURCES = ["'self'"] as const;

export interface CspOptions {
  /** WebSocket origins the page may connect to (browser mode: ws://127.0.0.1:PORT). Electron: none. */
  webSocketOrigins?: readonly string[];
}

export function contentSecurityPolicy(options: CspOptions = {}): string {
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    ['style-src', [...STYLE_SOURCES]],
    ['connect-src', ["'self'", ...(options.webSocketOrigins ?? [])]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}

/** Headers sent with every renderer response besides the CSP. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  // The browser-mode URL carries the session token: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
