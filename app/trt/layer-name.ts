/**
 * Reading an engine layer name (reference/tensorrt.md §6):
 *   `a + b + c`                                   fusion of network layers a, b, c (weights and Q/DQ included)
 *   `a || b`                                      horizontal fusion (layers sharing an input run as one kernel)
 *   `t copy`                                      a copy TensorRT inserted for tensor t (concatenation inputs)
 *   `PWN(x)`, `PWN(PWN(a), b)`                    pointwise fusion
 *   `Reformatting CopyNode for Input Tensor 0 to <layer>`, older `<layer> input reformatter 0` / `output reformatter`
 *   `{ForeignNode[first...last]}`                 a Myelin region (only the endpoints are named)
 *   `{a,b,c}`                                     a DLA region (old profiles list every member)
 *   `<name>_myl<r>_<k>`                           a kernel inside a Myelin region (detailed verbosity)
 *   `X [profile N]`                               copy of X for optimization profile N ≥ 1
 */
import { profileIndexOf } from './engine-layer';

export interface NamePart {
  name: string;
  /** Inside PWN(…). */
  pwn: boolean;
}

export type ParsedLayerName =
  | { kind: 'reformat'; target: string }
  | { kind: 'foreign-node'; first: string; last: string }
  | { kind: 'parts'; parts: NamePart[]; dlaRegion: boolean };

/** Splits on `separator` outside parentheses and brackets. */
export function splitTopLevel(text: string, separator: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth = Math.max(0, depth - 1);
    else if (depth === 0 && text.startsWith(separator, i)) {
      parts.push(text.slice(start, i));
      start = i + separator.length;
      i += separator.length - 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function pwnParts(text: string, insidePwn: boolean, out: NamePart[], depth: number): void {
  // " || " joins horizontally fused layers (two convolutions sharing an input run as one kernel).
  for (const piece of splitTopLevel(text, ' + ').flatMap((p) => splitTopLevel(p, ' || '))) {
    const trimmed = piece.trim();
    const pwn = /^PWN\((.*)\)$/s.exec(trimmed);
    if (pwn && depth < 32) {
      for (const inner of splitTopLevel(pwn[1], ', ')) pwnParts(inner, true, out, depth + 1);
    } else if (trimmed !== '') out.push({ name: trimmed, pwn: insidePwn });
  }
}

export function parseLayerName(name: string): ParsedLayerName {
  const base = profileIndexOf(name).base;
  let m = /^Reformatting CopyNode for (?:Input|Output) Tensor \d+ to (.+)$/s.exec(base);
  if (m) return { kind: 'reformat', target: m[1] };
  m = /^(.+) (?:input|output) reformatter \d+$/s.exec(base);
  if (m) return { kind: 'reformat', target: m[1] };
  m = /^\{ForeignNode\[(.*)\]\}$/s.exec(base);
  if (m) {
    const split = m[1].indexOf('...');
    return split < 0 ? { kind: 'foreign-node', first: m[1], last: m[1] } : { kind: 'foreign-node', first: m[1].slice(0, split), last: m[1].slice(split + 3) };
  }
  m = /^\{([^{}]*,[^{}]*)\}$/s.exec(base);
  if (m) return { kind: 'parts', parts: m[1].split(',').map((n) => ({ name: n.trim(), pwn: false })).filter((p) => p.name !== ''), dlaRegion: true };
  const kernel = /^(?!__my)(.+?)(?: \[profile \d+\])?_myl\d+_\d+$/s.exec(base);
  const parts: NamePart[] = [];
  pwnParts(kernel ? kernel[1] : base, false, parts, 0);
  return { kind: 'parts', parts, dlaRegion: false };
}

/** Names TensorRT makes up that never name an ONNX node (helpers, unnamed layers, Myelin internals). */
export function isSyntheticName(name: string): boolean {
  return (
    /^\(Unnamed Layer\* \d+\)|^ONNXTRT_|^__my|^dummy_shape_call__/.test(name) ||
    // Auxiliary-stream synchronisation (8.6+) and host↔device copies in 8.5 profiles.
    /^\[(?:trainStation\d*|HostToDeviceCopy \d+|DeviceToHostCopy \d+)\]$/.test(name) ||
    // DLA I/O in profiles of DLA engines: "images to nvm", "head_3 from nvm", "images copy finish", "… finish".
    / (?:to|from) nvm$| copy finish$| output to be reformatted \d+ finish$/.test(name)
  );
}

/** Names the optimizer derives from another layer's name: reshape_after_Gemm_48 → Gemm_48. */
export function derivedFrom(name: string): string | undefined {
  const m = /^(?:(?:reshape|squeeze|unsqueeze|transpose|shuffle)_(?:before|after)_|copied_squeeze_after_|unsqueeze_node_after_|squeeze_node_after_)(.+)$/.exec(name);
  if (m) return m[1];
  // "input.12 copy": TensorRT copied tensor input.12 (a concatenation input); the node is that tensor's producer.
  return /^(.+) copy$/.exec(name)?.[1];
}
