/** Theme choice: saved in localStorage when available, else the system preference. */
import { useWorkbench, type ThemeName } from './store';

const KEY = 'pwb.theme';

export function initialTheme(): ThemeName {
  try {
    const saved = localStorage.getItem(KEY);
    if (saved === 'light' || saved === 'dark') return saved;
  } catch {
    // storage unavailable (sandboxed file:// pages): fall through
  }
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(theme: ThemeName): void {
  useWorkbench.setState({ theme });
  try {
    localStorage.setItem(KEY, theme);
  } catch {
    // not persisted; fine
  }
}
