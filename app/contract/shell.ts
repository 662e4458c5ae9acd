/**
 * Desktop "shell" methods (SHELL_METHODS in wire-protocol.ts): dialogs, recent files, opening a dropped or typed
 * path. They are answered by Electron main (or, minimally, by the browser-mode server) and never reach the engine
 * host. Channel = CHANNEL_PREFIX + method ('pwb:recentFiles'), same payload and reply shapes as service calls.
 */
import type { OpenSessionRequest } from './service';
import { CHANNEL_PREFIX, SHELL_METHODS, type ShellMethod } from './wire-protocol';

export const SHELL_CHANNELS: readonly string[] = SHELL_METHODS.map((m) => `${CHANNEL_PREFIX}${m}`);
/** Main → renderer: menu commands and paths opened from outside the page (menu, command line, second instance). */
export const SHELL_EVENT_CHANNEL = `${CHANNEL_PREFIX}shell-event`;

/** What the workbench can open; anything else is refused by openPath. */
export type FileKind = 'model' | 'plan' | 'report' | 'log' | 'cache';
export const FILE_KIND_BY_EXTENSION: Readonly<Record<string, FileKind>> = {
  '.onnx': 'model',
  '.json': 'plan',
  '.log': 'log',
  '.txt': 'log',
  '.cache': 'cache',
  '.calib': 'cache',
  '.table': 'cache',
};

export interface RecentFile {
  path: string;
  kind: FileKind;
  /** ISO time of the last open. */
  openedAt: string;
}

export interface ShellRequests {
  openModelDialog: { title?: string };
  openFolderDialog: { title?: string };
  saveFolderDialog: { title?: string; defaultPath?: string };
  recentFiles: Record<string, never>;
  /** A path the user dropped (desktop: from webUtils.getPathForFile in the preload) or typed. */
  openPath: { path: string };
  /** What the app was started with (command-line model, --open-example). */
  startup: Record<string, never>;
}

export interface ShellResults {
  /** null = the user cancelled the dialog. */
  openModelDialog: { path: string | null };
  openFolderDialog: { path: string | null };
  saveFolderDialog: { path: string | null };
  recentFiles: { files: RecentFile[] };
  /** The file exists, is a regular file of a known kind, and was added to the recent files. */
  openPath: { path: string; kind: FileKind };
  startup: StartupInfo;
}

/** What `pwb serve MODEL …` / `pwb-desktop MODEL` asked the UI to open. */
export interface StartupInfo {
  modelPath: string | null;
  /** Open this session and build it right away (the command line had enough to do so). */
  autoOpen: OpenSessionRequest | null;
}

export type ShellRequest<M extends ShellMethod> = ShellRequests[M];
export type ShellResult<M extends ShellMethod> = ShellResults[M];

/** Error code of dialog methods in browser mode (no native dialogs: the page shows a path field instead). */
export const SHELL_UNSUPPORTED = 'SHELL_UNSUPPORTED';

export type ShellEvent =
  | { kind: 'open-path'; path: string; fileKind: FileKind }
  | { kind: 'export' }
  | { kind: 'toggle-theme' }
  | { kind: 'about'; version: string }
  /** A dropped file the workbench cannot open (the preload's drop handler; message says why). */
  | { kind: 'open-failed'; path: string; message: string };
