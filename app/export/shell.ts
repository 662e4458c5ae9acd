/** Quoting for the POSIX sh scripts an export writes. */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: left bare when it only has safe characters, else single-quoted ('\'' for quotes inside). */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Lines of a command joined with " \" continuations, 2-space indented after the first. */
export function shellCommand(words: readonly string[], indent = ''): string {
  const lines: string[] = [];
  let line = '';
  for (const word of words.map(shellQuote)) {
    if (line !== '' && line.length + word.length + 1 > 110) {
      lines.push(line);
      line = '  ' + word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => indent + l).join(' \\\n');
}

/** A tensor or layer name as trtexec's name:value lists expect it (names with ':' or ',' wrapped in quotes). */
export function trtexecName(name: string): string {
  return /[:,']/.test(name) ? `'${name}'` : name;
}

/** A name as an anchored Python regular expression (ModelOpt matches nodes_to_exclude with re.match). */
export function pythonRegexLiteral(name: string): string {
  return `^${name.replace(/[\\^$.|?*+()[\]{}\-#&~\s]/g, (c) => (c === ' ' ? '\\ ' : `\\${c}`))}$`;
}
