/**
 * The application menu as a template (Open model…, Open recent, Export…, Quit; View: toggle theme; Help: about).
 * Actions are callbacks so the template can be built and inspected without a window.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { RecentFile } from '../../app/contract/shell';

export interface MenuActions {
  openModel(): void;
  openRecent(file: RecentFile): void;
  exportBuild(): void;
  toggleTheme(): void;
  about(): void;
  toggleDevTools?: () => void;
}

export function menuTemplate(actions: MenuActions, recent: RecentFile[], platform: NodeJS.Platform = process.platform): MenuItemConstructorOptions[] {
  const recentItems: MenuItemConstructorOptions[] = recent.length
    ? recent.map((file) => ({ label: file.path, click: () => actions.openRecent(file) }))
    : [{ label: 'No recent files', enabled: false }];
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Model…', accelerator: 'CmdOrCtrl+O', click: () => actions.openModel() },
        { label: 'Open Recent', submenu: recentItems },
        { type: 'separator' },
        { label: 'Export…', accelerator: 'CmdOrCtrl+E', click: () => actions.exportBuild() },
        { type: 'separator' },
        { role: 'quit', label: 'Quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: '&View',
      submenu: [
        { label: 'Toggle Theme', accelerator: 'CmdOrCtrl+Shift+L', click: () => actions.toggleTheme() },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { role: 'togglefullscreen' },
        ...(actions.toggleDevTools ? [{ label: 'Toggle Developer Tools', click: () => actions.toggleDevTools!() }] : []),
      ],
    },
    { label: '&Help', submenu: [{ label: 'About Precision Workbench', click: () => actions.about() }] },
  ];
}
