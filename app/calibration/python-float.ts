/**
 * Python's float text forms, for the ONNX Runtime calibration table (written with Python's `str(float)`).
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SPECIAL = /^[+-]?(inf|infinity|nan)$/i;

/** Number for a Python float literal ('2.64', '1e-05', 'inf', 'nan'); undefined for anything else. */
export function parseOrtTableValue(text: string): number | undefined {
  if (DECIMAL.test(text)) return Number(text);
  if (SPECIAL.test(text)) {
    const lower = text.toLowerCase().replace(/^\+/, '');
    if (lower.endsWith('nan')) return NaN;
    return lower.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}

/**
 * Python's repr/str of a float: the shortest digits that round-trip (the same digits JavaScript picks), in fixed
 * notation when the decimal exponent e satisfies -4 <= e < 16 (always with a fractional part: '1.0'), otherwise
 * scientific with a signed, at least two-digit exponent ('1e-05', '1.5e+16'); 'nan', 'inf', '-inf'.
 */
export function formatPythonFloat(x: number): string {
  if (x !== x) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // toExponential() without an argument gives the shortest round-trip digits: 'd.ddde±x'.
  const [mantissa, exponentText] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const e = Number(exponentText);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const abs = Math.abs(e);
    return `${sign}${m}e${e < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  const intPart = digits.length > e + 1 ? digits.slice(0, e + 1) : digits.padEnd(e + 1, '0');
  const fracPart = digits.length > e + 1 ? digits.slice(e + 1) : '0';
  return `${sign}${intPart}.${fracPart}`;
}
