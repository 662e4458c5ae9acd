import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { isWorkbenchError } from '../../app/errors';
import { dataError, describeCause } from './data-error';

/**
 * Class labels for image folders: a TSV or CSV file whose first column is the image file name and one later column is
 * the class index. The delimiter is a tab if the first line has one, else a comma (double-quoted CSV fields allowed).
 * The class column is detected as the first column after the file name whose values are integers on every data line
 * (e.g. eval_labels.tsv: filename, wnid, class_index, class_name → class_index). The first line is a header when its
 * value in that column is not an integer. Blank lines and lines starting with '#' are ignored. Keys are file base names
 * (a "val/x.JPEG" entry matches x.JPEG).
 */
export interface LabelsTable {
  file: string;
  /** the header name of the detected class column, or its 0-based index as text when there is no header */
  column: string;
  labels: Map<string, number>;
}

const MAX_LABELS_FILE_BYTES = 64 * 1024 * 1024;
const INTEGER = /^-?\d+$/;

function splitLine(line: string, delimiter: string): string[] {
  if (delimiter === '\t' || !line.includes('"')) return line.split(delimiter).map((field) => field.trim());
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field.trim());
      field = '';
    } else field += char;
  }
  fields.push(field.trim());
  return fields;
}

export function parseLabelsText(text: string, file: string): LabelsTable {
  const malformed = (problem: string) =>
    dataError('LABELS_MALFORMED', `Labels file '${file}': ${problem}. Expected lines of "filename<TAB or comma>…class index…".`, file);
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line }) => line.trim() !== '' && !line.startsWith('#'));
  if (lines.length === 0) throw malformed('the file is empty');
  const delimiter = lines[0].line.includes('\t') ? '\t' : ',';
  const rows = lines.map(({ line, number }) => ({ fields: splitLine(line, delimiter), number }));
  const dataRows = rows.length > 1 ? rows.slice(1) : rows;
  const width = Math.max(...rows.map((row) => row.fields.length));
  let column = -1;
  for (let candidate = 1; candidate < width && column < 0; candidate++) {
    if (dataRows.every((row) => INTEGER.test(row.fields[candidate] ?? ''))) column = candidate;
  }
  if (column < 0) throw malformed('no column after the file name holds an integer class index on every line');
  const hasHeader = !INTEGER.test(rows[0].fields[column] ?? '');
  const body = hasHeader ? rows.slice(1) : rows;
  const labels = new Map<string, number>();
  for (const row of body) {
    const name = basename(row.fields[0].replace(/\\/g, '/'));
    const value = Number(row.fields[column]);
    if (!name) throw malformed(`line ${row.number} has no file name`);
    if (!INTEGER.test(row.fields[column] ?? '') || !Number.isSafeInteger(value)) {
      throw malformed(`line ${row.number} has no integer in the class column`);
    }
    const previous = labels.get(name);
    if (previous !== undefined && previous !== value) throw malformed(`'${name}' is listed twice with different classes (${previous} and ${value})`);
    labels.set(name, value);
  }
  return { file, column: hasHeader ? rows[0].fields[column] : String(column), labels };
}

export async function loadLabelsFile(path: string): Promise<LabelsTable> {
  let text: string;
  try {
    const info = await stat(path);
    if (info.size > MAX_LABELS_FILE_BYTES) {
      throw dataError('LABELS_MALFORMED', `Labels file '${path}' is larger than 64 MiB; that is not a labels table.`, path);
    }
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw dataError('LABELS_UNREADABLE', `Cannot read labels file '${path}': ${describeCause(error)}.`, path, error);
  }
  return parseLabelsText(text, path);
}
