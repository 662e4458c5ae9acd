/**
 * The security-relevant decisions of Electron main as pure functions (tested without launching Electron):
 * window options, the IPC channel allow-list, the sender check, navigation / new-window / permission denial and
 * the external-link rule. main.ts only wires them to Electron objects. Imports no 'electron' at run time.
 */
import { CANCEL_CHANNEL, EVENT_CHANNEL, METHOD_CHANNELS } from '../../app/contract/wire-protocol';
import { SHELL_CHANNELS, SHELL_EVENT_CHANNEL } from '../../app/contract/shell';

/** The renderer is served from this custom scheme (not file://): path-confined, one origin, CSP on every response. */
export const APP_SCHEME = 'pwb-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/** Renderer → main (ipcMain.handle): one channel per service method, cancel, one per shell method. Nothing else. */
export const INVOKE_CHANNELS: ReadonlySet<string> = new Set([...METHOD_CHANNELS, CANCEL_CHANNEL, ...SHELL_CHANNELS]);
/** Main → renderer. */
export const EVENT_CHANNELS: ReadonlySet<string> = new Set([EVENT_CHANNEL, SHELL_EVENT_CHANNEL]);

export function isAllowedChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && INVOKE_CHANNELS.has(channel);
}

export function isAllowedEventChannel(channel: unknown): channel is string {
  return typeof channel === 'string' && EVENT_CHANNELS.has(channel);
}

/** The parts of WebPreferences we set; every value here is checked by a test. */
export function windowOptions(preloadPath: string, options: { packaged?: boolean } = {}) {
  return {
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Precision Workbench',
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: !options.packaged,
    },
  } as const;
}

/** A frame as Electron reports it on IPC events (event.senderFrame). */
export interface SenderFrameLike {
  url: string;
  parent: unknown | null;
}

/**
 * True only for the main frame (no parent) of a page loaded from our own origin. The URL is parsed (never
 * prefix-matched: 'pwb-app://app.evil' must fail). A destroyed frame (null) is untrusted.
 */
export function isTrustedSender(frame: SenderFrameLike | null | undefined, origin: string = APP_ORIGIN): boolean {
  if (!frame || frame.parent !== null) return false;
  try {
    const url = new URL(frame.url);
    const expected = new URL(origin);
    return url.protocol === expected.protocol && url.host === expected.host && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** will-navigate / will-redirect: the app is a single page; every navigation is refused. */
export function navigationGuard(event: { preventDefault(): void }, _url?: string): void {
  event.preventDefault();
}

/** setWindowOpenHandler: never a new window. Safe https links are handed to `openExternal` (the OS browser). */
export function windowOpenHandler(openExternal?: (url: string) => void) {
  return (details: { url: string }): { action: 'deny' } => {
    if (openExternal && isSafeExternalUrl(details.url)) openExternal(details.url);
    return { action: 'deny' };
  };
}

/** Only parsed https: URLs with a host and no credentials leave the app (no file:, smb:, javascript:, custom schemes). */
export function isSafeExternalUrl(raw: string): boolean {
  try {
    const url = new URL(raw);
    return url.protocol === 'https:' && url.hostname !== '' && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/** setPermissionRequestHandler: the app needs no camera, microphone, notifications, … — deny all. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** setPermissionCheckHandler: deny all. */
export function permissionCheckHandler(): boolean {
  return false;
}

/** Command-line switches that would open a debugging door in a packaged app (the fuses also close most). */
export const FORBIDDEN_SWITCHES = ['inspect', 'inspect-brk', 'inspect-port', 'remote-debugging-port', 'remote-debugging-pipe', 'js-flags'] as const;

/** The model (or other openable file) given on the command line, if any: the last argument ending in a known extension. */
export function fileArgument(argv: readonly string[]): string | null {
  const candidates = argv.slice(1).filter((a) => !a.startsWith('-') && /\.(onnx|json|log|txt|cache|calib|table)$/i.test(a));
  return candidates.at(-1) ?? null;
}
