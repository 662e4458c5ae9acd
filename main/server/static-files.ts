/**
 * Serving the built renderer from one folder and nothing outside it: used by the browser-mode server and by
 * Electron's app:// protocol handler. A request path is decoded once, refused when it holds '..' segments,
 * backslashes, NUL or a drive/absolute form, resolved under the root, and the REAL path (symlinks followed) must
 * still be inside the real root and be a regular file.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type StaticResolution =
  | { kind: 'file'; file: string; contentType: string; bytes: number }
  | { kind: 'refused'; why: string }
  | { kind: 'missing' };

const isInside = (root: string, candidate: string) => {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
};

/**
 * Resolves a URL pathname ('/assets/main.js', still percent-encoded) under `root`. '/' maps to index.html; a
 * path without an extension that does not exist also maps to index.html (client-side routes).
 */
export async function resolveStaticPath(root: string, urlPathname: string): Promise<StaticResolution> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return { kind: 'refused', why: 'malformed percent-encoding' };
  }
  if (decoded.includes('\0')) return { kind: 'refused', why: 'NUL in path' };
  if (decoded.includes('\\')) return { kind: 'refused', why: 'backslash in path' };
  if (!decoded.startsWith('/') || decoded.startsWith('//')) return { kind: 'refused', why: 'not a root-relative path' };
  const segments = decoded.split('/').slice(1);
  if (segments.some((s) => s === '..' || s === '.')) return { kind: 'refused', why: 'dot segment in path' };
  if (segments.some((s) => /^[a-zA-Z]:/.test(s))) return { kind: 'refused', why: 'drive letter in path' };
  let relative = segments.join('/');
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';

  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return { kind: 'missing' };
  }
  const candidate = path.resolve(realRoot, relative);
  if (!isInside(realRoot, candidate)) return { kind: 'refused', why: 'outside the renderer folder' };
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    if (path.extname(relative) === '') return resolveStaticPath(root, '/index.html');
    return { kind: 'missing' };
  }
  if (!isInside(realRoot, real)) return { kind: 'refused', why: 'symbolic link out of the renderer folder' };
  const info = await stat(real);
  if (!info.isFile()) return { kind: 'missing' };
  return { kind: 'file', file: real, contentType: contentTypeOf(real), bytes: info.size };
}
