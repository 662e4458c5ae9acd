/**
 * Reading TensorRT artifacts from disk for `pwb trt-import` and the UI's TensorRT panel: files or folders (read
 * recursively, hidden entries skipped), size-capped, decoded as UTF-8. Parsing happens in app/trt.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';
import { TRT_LIMITS } from '../../app/trt/trt-errors';

/** Files per invocation (a folder of a few thousand exports is fine; a whole disk is not). */
const MAX_FILES = 5000;

/**
 * Files a folder walk leaves out: engines, models, images, archives… (never TensorRT's text exports; a folder of
 * exports often holds the engine and the ONNX model too; `.bin` stays: DeepStream names calibration caches cal_trt.bin).
 * Files named explicitly are always read.
 */
const NOT_AN_ARTIFACT = /\.(?:engine|plan|trt|onnx|pb|pt|pth|ckpt|safetensors|tflite|caffemodel|h5|so|dll|dylib|exe|o|a|lib|png|jpe?g|gif|bmp|webp|svg|pdf|zip|gz|tgz|tar|xz|7z|npy|npz|mp4|avi|wav|whl|pyc)$/i;

export async function expandTrtPaths(inputs: readonly string[]): Promise<string[]> {
  return (await expandTrtPathsWithOrigin(inputs)).map((f) => f.path);
}

/** Like expandTrtPaths, telling which files came from walking a folder (those may be skipped when unreadable). */
export async function expandTrtPathsWithOrigin(inputs: readonly string[]): Promise<{ path: string; fromDirectory: boolean }[]> {
  const files: { path: string; fromDirectory: boolean }[] = [];
  const visit = async (p: string, depth: number): Promise<void> => {
    const stat = await fs.stat(p).catch((error: NodeJS.ErrnoException) => {
      throw new WorkbenchError('io', error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${p}: cannot read it (${error.code})`, { file: p });
    });
    if (stat.isDirectory()) {
      if (depth > 8) return;
      for (const entry of (await fs.readdir(p)).sort()) {
        if (entry.startsWith('.') || NOT_AN_ARTIFACT.test(entry)) continue;
        await visit(path.join(p, entry), depth + 1);
      }
      return;
    }
    if (!stat.isFile()) throw new WorkbenchError('io', 'FILE_UNREADABLE', `${p}: not a regular file`, { file: p });
    if (stat.size > TRT_LIMITS.maxTextChars) {
      throw new WorkbenchError('trt', 'TRT_TOO_LARGE', `${p}: is ${Math.round(stat.size / 1048576)} MiB; refusing files over ${TRT_LIMITS.maxTextChars / 1048576} MiB`, { file: p });
    }
    files.push({ path: p, fromDirectory: depth > 0 });
    if (files.length > MAX_FILES) throw new WorkbenchError('cli', 'TOO_MANY_FILES', `more than ${MAX_FILES} files given; pass fewer files or a narrower folder`);
  };
  for (const input of inputs) await visit(input, 0);
  return files;
}

/**
 * The text encoding of a file's bytes: UTF-8 unless a byte order mark says UTF-16 (Windows PowerShell 5's `>`
 * writes trtexec output as UTF-16LE with a BOM), or the first KiB looks like BOM-less UTF-16LE text (every odd byte
 * NUL, the even ones printable ASCII).
 */
export function textEncodingOf(bytes: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return 'utf-16le';
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return 'utf-16be';
  const n = Math.min(bytes.length, 1024) & ~1;
  if (n >= 8) {
    let ascii = 0;
    for (let i = 0; i < n; i += 2) if (bytes[i + 1] === 0 && (bytes[i] === 9 || bytes[i] === 10 || bytes[i] === 13 || (bytes[i] >= 32 && bytes[i] < 127))) ascii++;
    if (ascii === n / 2) return 'utf-16le';
  }
  return 'utf-8';
}

async function readText(file: string): Promise<string> {
  const bytes = await fs.readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new WorkbenchError('io', 'FILE_UNREADABLE', `${file}: cannot read it (${error.code})`, { file });
  });
  // TextDecoder drops the byte order mark of the encoding it decodes.
  return new TextDecoder(textEncodingOf(bytes)).decode(bytes);
}


/** The files under `inputs`, as {name, text, fromDirectory}; refuses an empty selection. */
export async function readTrtFiles(inputs: readonly string[]): Promise<{ name: string; text: string; fromDirectory: boolean }[]> {
  const files = await expandTrtPathsWithOrigin(inputs);
  if (files.length === 0) throw new WorkbenchError('cli', 'FLAG_MISSING', 'no files to import (the folders given are empty)');
  const texts: { name: string; text: string; fromDirectory: boolean }[] = [];
  for (const file of files) texts.push({ name: file.path, text: await readText(file.path), fromDirectory: file.fromDirectory });
  return texts;
}
