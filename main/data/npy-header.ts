import { dataError } from './data-error';

/**
 * A strict parser for the .npy header, a Python dict literal such as
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 224, 224), }`. It accepts exactly the grammar numpy
 * writes — string keys, string / True / False / tuple-of-integers values — and never evaluates anything
 * (numpy uses ast.literal_eval, which it caps at 10,000 bytes for safety; we do not evaluate at all).
 */
export interface NpyHeaderDict {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

type HeaderValue = string | boolean | number[];

export function parseNpyHeaderDict(text: string, file: string): NpyHeaderDict {
  let position = 0;
  const malformed = (problem: string) =>
    dataError('NPY_MALFORMED', `'${file}' has a malformed .npy header: ${problem}. Re-save it with numpy.save().`, file);
  const skipSpace = () => {
    while (position < text.length && (text[position] === ' ' || text[position] === '\t')) position++;
  };
  const expect = (char: string) => {
    skipSpace();
    if (text[position] !== char) throw malformed(`expected '${char}' at character ${position}, found ${JSON.stringify(text[position] ?? 'end of header')}`);
    position++;
  };
  const readString = (): string => {
    const quote = text[position];
    if (quote !== "'" && quote !== '"') throw malformed(`expected a quoted string at character ${position}`);
    const end = text.indexOf(quote, position + 1);
    if (end < 0) throw malformed('unterminated string');
    const value = text.slice(position + 1, end);
    if (value.includes('\\')) throw malformed('escape sequences are not allowed in header strings');
    position = end + 1;
    return value;
  };
  const readInteger = (): number => {
    const match = /^[0-9]+L?/.exec(text.slice(position, position + 40));
    if (!match) throw malformed(`expected a dimension at character ${position}`);
    position += match[0].length;
    const digits = match[0].replace('L', '');
    const value = Number(digits);
    if (!Number.isSafeInteger(value)) throw malformed(`dimension ${digits} is too large`);
    return value;
  };
  const readValue = (key: string): HeaderValue => {
    skipSpace();
    const char = text[position];
    if (char === "'" || char === '"') return readString();
    if (text.startsWith('True', position)) {
      position += 4;
      return true;
    }
    if (text.startsWith('False', position)) {
      position += 5;
      return false;
    }
    if (char === '[' && key === 'descr') {
      throw dataError(
        'NPY_UNSUPPORTED_DTYPE',
        `'${file}' holds a structured (record) array; only plain numeric arrays can be model inputs. Save each field as its own array.`,
        file,
      );
    }
    if (char === '(') {
      position++;
      const dims: number[] = [];
      for (;;) {
        skipSpace();
        if (text[position] === ')') {
          position++;
          return dims;
        }
        dims.push(readInteger());
        skipSpace();
        if (text[position] === ',') position++;
        else if (text[position] !== ')') throw malformed(`expected ',' or ')' in the shape at character ${position}`);
      }
    }
    throw malformed(`unexpected value for '${key}' at character ${position}`);
  };

  expect('{');
  const entries = new Map<string, HeaderValue>();
  for (;;) {
    skipSpace();
    if (text[position] === '}') {
      position++;
      break;
    }
    const key = readString();
    if (entries.has(key)) throw malformed(`duplicate key '${key}'`);
    if (key !== 'descr' && key !== 'fortran_order' && key !== 'shape') throw malformed(`unexpected key '${key}'`);
    expect(':');
    entries.set(key, readValue(key));
    skipSpace();
    if (text[position] === ',') position++;
    else if (text[position] !== '}') throw malformed(`expected ',' or '}' at character ${position}`);
  }
  // numpy pads with spaces and terminates with '\n'.
  if (!/^[ \t]*\n?$/.test(text.slice(position)) || !text.endsWith('\n')) {
    throw malformed('unexpected content after the header dictionary (the header must end with padding and a newline)');
  }
  const descr = entries.get('descr');
  const fortranOrder = entries.get('fortran_order');
  const shape = entries.get('shape');
  if (typeof descr !== 'string') throw malformed("missing or invalid 'descr'");
  if (typeof fortranOrder !== 'boolean') throw malformed("missing or invalid 'fortran_order'");
  if (!Array.isArray(shape)) throw malformed("missing or invalid 'shape'");
  return { descr, fortranOrder, shape };
}
