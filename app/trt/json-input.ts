/**
 * Bounded JSON reading for trtexec exports: nesting depth is checked before JSON.parse (a hostile
 * `[[[[…` must not overflow the stack), syntax errors are reported with line and column, and schema errors
 * with the JSON path (`$.Layers[3].Inputs[0].Dimensions`).
 */
import { TRT_LIMITS, lineColumnAt, trtError } from './trt-errors';

/** Deepest array/object nesting, ignoring brackets inside strings; stops early past `limit`. */
export function jsonDepth(text: string, limit: number = TRT_LIMITS.maxJsonDepth): { depth: number; offset: number } {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return { depth: max, offset: i };
      }
    } else if (c === 93 || c === 125) depth--;
  }
  return { depth: max, offset: -1 };
}

/** JSON.parse with the depth bound and positioned errors. `lineOffset` shifts reported lines (embedded JSON). */
export function parseJsonBounded(file: string, text: string, lineOffset = 0): unknown {
  const { depth, offset } = jsonDepth(text);
  if (depth > TRT_LIMITS.maxJsonDepth) {
    const at = lineColumnAt(text, offset);
    throw trtError('TRT_JSON_TOO_DEEP', file, `JSON nests deeper than ${TRT_LIMITS.maxJsonDepth} levels (line ${at.line + lineOffset}); trtexec exports nest a few levels, refusing it`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message ?? String(error);
    const reported = /position (\d+)/.exec(message);
    const position = reported ? reported : (() => {
      const offset = firstSyntaxError(text);
      return offset < 0 ? null : ([String(offset), String(offset)] as unknown as RegExpExecArray);
    })();
    const where = position ? (() => {
      const at = lineColumnAt(text, Number(position[1]));
      return ` at line ${at.line + lineOffset}, column ${at.column}`;
    })() : '';
    const reason = message.replace(/ in JSON at position \d+.*$/, '').replace(/, ".*" is not valid JSON$/s, ' (not valid JSON)').slice(0, 160);
    throw trtError('TRT_JSON_MALFORMED', file, `invalid JSON${where}: ${reason}`);
  }
}

/**
 * Offset of the first JSON syntax error (V8 does not always say where: "Unexpected token '}', …"), or -1.
 * Only called after JSON.parse failed and the depth check passed, so recursion is bounded.
 */
export function firstSyntaxError(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (): boolean => {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      i++;
      ws();
      if (text[i] === close) return i++, true;
      for (;;) {
        if (c === '{') {
          ws();
          if (text[i] !== '"' || !string()) return false;
          ws();
          if (text[i] !== ':') return false;
          i++;
        }
        if (!value()) return false;
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === close) return i++, true;
        return false;
      }
    }
    if (c === '"') return string();
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(text.slice(i, i + 400));
    if (!literal) return false;
    i += literal[0].length;
    return true;
  };
  const string = (): boolean => {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '\\') i += 2;
      else if (c === '"') return i++, true;
      else if (c < ' ') return false;
      else i++;
    }
    return false;
  };
  if (!value()) return i;
  ws();
  return i < text.length ? i : -1;
}

/** Typed accessors that fail with a JSON path. */
export class JsonReader {
  constructor(readonly file: string) {}

  fail(path: string, expected: string, value: unknown): never {
    const got = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    throw trtError('TRT_JSON_SCHEMA', this.file, `${path}: expected ${expected}, got ${got}`);
  }

  object(value: unknown, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) this.fail(path, 'an object', value);
    return value as Record<string, unknown>;
  }

  array(value: unknown, path: string): unknown[] {
    if (!Array.isArray(value)) this.fail(path, 'an array', value);
    const list = value as unknown[];
    if (list.length > TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', this.file, `${path} has ${list.length} entries; refusing more than ${TRT_LIMITS.maxItems}`);
    return list;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') this.fail(path, 'a string', value);
    return value as string;
  }

  optionalString(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    return this.string(value, path);
  }

  number(value: unknown, path: string): number {
    if (typeof value !== 'number' || !Number.isFinite(value)) this.fail(path, 'a finite number', value);
    return value as number;
  }

  optionalNumber(value: unknown, path: string): number | undefined {
    return value === undefined || value === null ? undefined : this.number(value, path);
  }
}
