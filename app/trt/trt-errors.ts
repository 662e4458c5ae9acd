import { WorkbenchError } from '../errors';

/**
 * Stable codes for everything app/trt raises on purpose (tests and the UI switch on them; never rename one).
 * Every message names the file and, where there is one, the line or JSON path.
 */
export type TrtErrorCode =
  | 'TRT_EMPTY'
  | 'TRT_BINARY'
  | 'TRT_TOO_LARGE'
  | 'TRT_UNKNOWN_KIND'
  | 'TRT_JSON_MALFORMED'
  | 'TRT_JSON_TOO_DEEP'
  | 'TRT_JSON_SCHEMA'
  | 'TRT_LOG_MALFORMED'
  | 'TRT_TOO_MANY_ITEMS';

export function trtError(code: TrtErrorCode, file: string, message: string): WorkbenchError {
  return new WorkbenchError('trt', code, `${file}: ${message}`, { file });
}

/** Size bounds: hostile files must fail fast and clearly instead of exhausting memory. */
export const TRT_LIMITS = {
  /** Characters of one file's text (the CLI refuses files above this many bytes before decoding). */
  maxTextChars: 512 * 1024 * 1024,
  /** Nesting of arrays/objects in a JSON export (real exports nest ≤ 6). */
  maxJsonDepth: 64,
  /** Engine layers / profile rows / timing records in one file. */
  maxItems: 2_000_000,
  /** Tactic candidates stored per format combination (the rest are counted only). */
  maxCandidatesPerCombination: 512,
  /** Tactic candidates stored per file. */
  maxCandidatesPerFile: 200_000,
  /** Warnings/errors stored per file (the rest are counted only). */
  maxDiagnostics: 2000,
  /** Characters of one diagnostic message kept. */
  maxMessageChars: 1000,
} as const;

/** Quote user-controlled text in a message without letting a hostile file blow up the message size. */
export function quote(text: string, maxChars = 80): string {
  const shown = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return `'${shown}'`;
}

/** Refuses text that is empty, binary or too large; returns it without a byte order mark. */
export function checkText(file: string, text: string, maxChars: number = TRT_LIMITS.maxTextChars): string {
  if (typeof text !== 'string') throw trtError('TRT_BINARY', file, 'is not text');
  if (text.length > maxChars) {
    throw trtError('TRT_TOO_LARGE', file, `is ${(text.length / 1048576).toFixed(1)} MiB; refusing files over ${(maxChars / 1048576).toFixed(1)} MiB`);
  }
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') throw trtError('TRT_EMPTY', file, 'is empty');
  const nul = body.indexOf('\0');
  if (nul >= 0 && nul < 1_000_000) {
    throw trtError('TRT_BINARY', file, `is binary (NUL byte at offset ${nul}); a serialized engine or timing cache cannot be imported, only trtexec's text and JSON exports`);
  }
  return body;
}

/** 1-based line and column of a character offset. */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf('\n'); i >= 0 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
