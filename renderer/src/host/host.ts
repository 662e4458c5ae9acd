/**
 * What the UI needs from its surroundings: a transport to the engine, the startup request (a model given on the
 * command line), and — in Electron only — the desktop shell (file dialogs, recent files).
 */
import type { OpenSessionRequest } from '../../../app/contract/service';
import type { Transport } from '../client/transport';

import type { StartupInfo } from '../../../app/contract/shell';

export type { StartupInfo };

/** Desktop shell calls (SHELL_METHODS in wire-protocol.ts). Dialogs resolve null when the user cancels. */
export interface ShellApi {
  openModelDialog(): Promise<string | null>;
  openFolderDialog(options?: { title?: string }): Promise<string | null>;
  saveFolderDialog(options?: { title?: string }): Promise<string | null>;
  recentFiles(): Promise<string[]>;
  openPath(path: string): Promise<void>;
}

export interface Host {
  kind: 'electron' | 'browser' | 'demo';
  transport: Transport;
  /** null outside Electron: the UI shows path text fields instead of dialogs. */
  shell: ShellApi | null;
  startup(): Promise<StartupInfo>;
  /** Desktop only: a model opened from outside the page (menu, recent files, drop, command line). */
  onOpenPath?(listener: (modelPath: string) => void): () => void;
  /** A line for the status bar, e.g. "browser · 127.0.0.1:8731" or "DEMO DATA". */
  label: string;
}

export const NO_STARTUP: StartupInfo = { modelPath: null, autoOpen: null };
