/**
 * Electron main: lifecycle, the one window, menus, dialogs, the validated IPC router, and the engine host
 * supervisor (utilityProcess). Main never parses model bytes: every service call goes to the engine host.
 * Bundled by scripts/build-electron.js to dist-electron/main.cjs (host → host.cjs, preload → preload.cjs).
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session, shell } from 'electron';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { EVENT_CHANNEL, type ServerMessage } from '../../app/contract/wire-protocol';
import { SHELL_EVENT_CHANNEL, type ShellEvent } from '../../app/contract/shell';
import { exampleStartup } from '../host/example-startup';
import { ClientSession, type ShellHandlers } from '../host/client-session';
import { checkOpenablePath, RecentFiles } from '../host/recent-files';
import { EngineHostSupervisor } from '../host/supervisor';
import { resolveStaticPath } from '../server/static-files';
import { contentSecurityPolicy, SECURITY_HEADERS } from './content-security-policy';
import { createIpcHandler } from './ipc-router';
import { menuTemplate } from './menu';
import {
  APP_HOST,
  APP_INDEX_URL,
  APP_SCHEME,
  fileArgument,
  FORBIDDEN_SWITCHES,
  INVOKE_CHANNELS,
  isSafeExternalUrl,
  navigationGuard,
  permissionCheckHandler,
  permissionRequestHandler,
  windowOpenHandler,
  windowOptions,
} from './security';
import { utilityHostSpawner } from './utility-spawner';

const bundleDir = __dirname; // dist-electron/ (CommonJS bundle)
const appRoot = app.getAppPath();
const rendererDir = path.join(appRoot, 'renderer', 'dist');
const csp = contentSecurityPolicy();

for (const name of FORBIDDEN_SWITCHES) if (app.isPackaged && app.commandLine.hasSwitch(name)) app.commandLine.removeSwitch(name);
app.enableSandbox();
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;
const recentFiles = new RecentFiles(path.join(app.getPath('userData'), 'recent-files.json'));
const supervisor = new EngineHostSupervisor({ spawner: utilityHostSpawner(path.join(bundleDir, 'host.cjs')) });

const sendToWindow = (channel: string, message: ServerMessage | ShellEvent) => {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(channel, message);
};
const shellEvent = (event: ShellEvent) => sendToWindow(SHELL_EVENT_CHANNEL, event);
supervisor.on((event) => sendToWindow(EVENT_CHANNEL, { type: 'event', event }));

async function openFile(file: string): Promise<void> {
  try {
    const checked = await checkOpenablePath(file);
    await recentFiles.add(checked.path, checked.kind);
    shellEvent({ kind: 'open-path', path: checked.path, fileKind: checked.kind });
    await refreshMenu();
  } catch (error) {
    shellEvent({ kind: 'open-failed', path: file, message: (error as Error).message });
  }
}

const dialogResult = (r: Electron.OpenDialogReturnValue) => ({ path: r.canceled ? null : (r.filePaths[0] ?? null) });
const shellHandlers: ShellHandlers = {
  openModelDialog: async (request: { title?: string }) =>
    dialogResult(await dialog.showOpenDialog(mainWindow!, { title: request.title ?? 'Open model', properties: ['openFile'], filters: [{ name: 'ONNX models', extensions: ['onnx'] }, { name: 'Plans, logs, caches', extensions: ['json', 'log', 'txt', 'cache', 'calib', 'table'] }] })),
  openFolderDialog: async (request: { title?: string }) => dialogResult(await dialog.showOpenDialog(mainWindow!, { title: request.title ?? 'Choose a folder', properties: ['openDirectory'] })),
  saveFolderDialog: async (request: { title?: string; defaultPath?: string }) =>
    dialogResult(await dialog.showOpenDialog(mainWindow!, { title: request.title ?? 'Export to folder', defaultPath: request.defaultPath, properties: ['openDirectory', 'createDirectory'] })),
  recentFiles: async () => ({ files: await recentFiles.list() }),
  openPath: async (request: { path: string }) => {
    const checked = await checkOpenablePath(request.path);
    await recentFiles.add(checked.path, checked.kind);
    void refreshMenu();
    return checked;
  },
  // A model on the command line is pre-filled on the start screen; --open-example opens and analyses the example.
  startup: async () => {
    if (process.argv.includes('--open-example')) return exampleStartup(app.getAppPath());
    const file = fileArgument(process.argv);
    return { modelPath: file && file.toLowerCase().endsWith('.onnx') ? path.resolve(file) : null, autoOpen: null };
  },
};

async function refreshMenu(): Promise<void> {
  const template = menuTemplate(
    {
      openModel: async () => {
        const result = await shellHandlers.openModelDialog({} as never);
        if (result.path) await openFile(result.path);
      },
      openRecent: (file) => void openFile(file.path),
      exportBuild: () => shellEvent({ kind: 'export' }),
      toggleTheme: () => shellEvent({ kind: 'toggle-theme' }),
      about: () => shellEvent({ kind: 'about', version: app.getVersion() }),
      toggleDevTools: app.isPackaged ? undefined : () => mainWindow?.webContents.toggleDevTools(),
    },
    await recentFiles.list(),
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function registerIpc(): void {
  const clientSession = new ClientSession(supervisor, shellHandlers, (message) => sendToWindow(EVENT_CHANNEL, message), recentFiles);
  const handle = createIpcHandler(clientSession, { onRefused: (why) => process.stderr.write(`pwb: refused IPC ${why}\n`) });
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, payload: unknown) => {
      // Our window only: another webContents (devtools, a stray frame) never reaches the engine.
      if (!mainWindow || event.sender !== mainWindow.webContents) return { type: 'error', id: -1, error: { area: 'transport', code: 'UNTRUSTED_SENDER', message: 'not the workbench window' } };
      return handle(channel, event, payload);
    });
  }
}

function registerAppProtocol(): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const headers = { 'Content-Security-Policy': csp, ...SECURITY_HEADERS };
    if (url.host !== APP_HOST) return new Response('not found', { status: 404, headers });
    const resolved = await resolveStaticPath(rendererDir, url.pathname);
    if (resolved.kind === 'missing') return new Response('not found (run npm run build:renderer?)', { status: 404, headers });
    if (resolved.kind === 'refused') return new Response('forbidden', { status: 403, headers });
    return new Response(new Uint8Array(await readFile(resolved.file)), { status: 200, headers: { ...headers, 'Content-Type': resolved.contentType } });
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow(windowOptions(path.join(bundleDir, 'preload.cjs'), { packaged: app.isPackaged }));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_INDEX_URL);
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = null;
  });
  return window;
}

app.on('web-contents-created', (_event, contents) => {
  contents.on('will-navigate', navigationGuard);
  contents.on('will-redirect', navigationGuard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(windowOpenHandler((url) => isSafeExternalUrl(url) && void shell.openExternal(url)));
});

app.on('second-instance', (_event, argv) => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
  const file = fileArgument(argv);
  if (file) void openFile(path.resolve(file));
});

app.whenReady().then(async () => {
  session.defaultSession.setPermissionRequestHandler(permissionRequestHandler);
  session.defaultSession.setPermissionCheckHandler(permissionCheckHandler);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  registerAppProtocol();
  registerIpc();
  await refreshMenu();
  mainWindow = createWindow();
  void supervisor.start().catch((error: Error) => process.stderr.write(`pwb: engine host did not start: ${error.message}\n`));
  const file = fileArgument(process.argv);
  if (file) mainWindow.webContents.once('did-finish-load', () => void openFile(path.resolve(file)));
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('before-quit', () => supervisor.dispose());
