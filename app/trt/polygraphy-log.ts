/**
 * `polygraphy run` / `polygraphy debug` console output: the commands and their PASSED/FAILED status, the TensorRT
 * version it loaded, and per-output comparisons (`Comparing Output: 'x' …`, the max of the Absolute/Relative
 * Difference stats, `PASSED | Output: 'x'` / `FAILED | Output: 'x'`).
 *
 * `polygraphy inspect model x.engine --show layers [attrs]` prints the engine's layers (IEngineInspector underneath):
 *   [I] ==== TensorRT Engine ====
 *       ---- 10 Layer(s) ----                         ("Layer(s) Per Profile" + "- Profile: N" with several profiles, 8.x)
 *       Layer 0    | node_conv2d + node_relu [Op: CaskConvolution]
 *           {x [dtype=float32, shape=(-1, 1, 28, 28), Format: Float]}
 *            -> {relu [dtype=float32, shape=(-1, 32, 28, 28), Format: Float]}
 *           ---- Attributes ----                      (only with `attrs`)
 *           Origin = Unknown
 *           Tactic = 0x5b8bf1b8028629d9               (a kernel name for Myelin kernels)
 * Without detailed profiling verbosity the tensors carry no dtype/Format ("{X [shape=(1, 2, -1, -1)]}").
 */
import { makeEngineLayer } from './engine-layer';
import { DiagnosticCollector, forEachLine } from './log-lines';
import { dataTypeOf } from './realized-precision';
import { TRT_LIMITS, checkText, trtError } from './trt-errors';
import type { EngineLayer, EngineTensor, PolygraphyComparison, PolygraphyLog } from './types';

interface PendingLayer {
  index: number;
  name: string;
  op: string;
  profile: number | undefined;
  tensors: string[];
  origin?: string;
  tactic?: string;
}

/** `name [dtype=float32, shape=(-1, 10), Format: Float]` entries of a `{…}` list (names may hold " [profile 1]"). */
function inspectTensors(list: string): EngineTensor[] {
  const tensors: EngineTensor[] = [];
  const inside = list.trim().replace(/^\{/, '').replace(/\}$/, '');
  for (const m of inside.matchAll(/(?:^|,\s*)(.+?) \[(?:dtype=(\w+), )?shape=\(([^)]*)\)(?:, Format: ([^,\]]+))?[^\]]*\]/g)) {
    const tensor: EngineTensor = { name: m[1].trim(), dataType: dataTypeOf(m[4] ?? m[2]) };
    const dims = m[3].split(',').map((d) => d.trim()).filter((d) => d !== '').map(Number);
    if (dims.every((d) => Number.isFinite(d))) tensor.dims = dims;
    if (m[4] !== undefined) tensor.format = m[4].trim();
    else if (m[2] !== undefined) tensor.format = m[2];
    tensors.push(tensor);
  }
  return tensors;
}

function finishLayer(p: PendingLayer, index: number): EngineLayer {
  const text = p.tensors.join(' ').replace(/\s+/g, ' ');
  const arrow = text.indexOf('} -> {');
  const inputs = arrow < 0 ? (text.startsWith('->') ? '' : text) : text.slice(0, arrow + 1);
  const outputs = arrow < 0 ? (text.startsWith('->') ? text.slice(2) : '') : text.slice(arrow + 5);
  const tactic = p.tactic && p.tactic !== 'Unknown' ? p.tactic : undefined;
  const layer = makeEngineLayer(index, {
    name: p.name,
    layerType: p.op === 'Unknown' ? undefined : p.op,
    origin: p.origin && p.origin !== 'Unknown' ? p.origin : undefined,
    inputs: inspectTensors(inputs),
    outputs: inspectTensors(outputs),
    tacticValue: tactic && /^(?:0x[0-9a-fA-F]+|-?\d+)$/.test(tactic) ? tactic : undefined,
    tacticName: tactic && !/^(?:0x[0-9a-fA-F]+|-?\d+)$/.test(tactic) ? tactic : undefined,
  });
  if (p.profile !== undefined && layer.profileIndex === 0) layer.profileIndex = p.profile;
  return layer;
}

export function parsePolygraphyLog(file: string, input: string): PolygraphyLog {
  const text = checkText(file, input);
  const diagnostics = new DiagnosticCollector();
  const result: PolygraphyLog = { commands: [], comparisons: [], diagnostics: diagnostics.diagnostics };
  let current: Omit<PolygraphyComparison, 'passed'> | undefined;
  const engineLayers: EngineLayer[] = [];
  let inLayers = false;
  let profile: number | undefined;
  let pending: PendingLayer | undefined;
  let inAttributes = false;
  const flush = () => {
    if (!pending) return;
    if (engineLayers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `more than ${TRT_LIMITS.maxItems} engine layers`);
    engineLayers.push(finishLayer(pending, engineLayers.length));
    pending = undefined;
  };
  forEachLine(text, (line) => {
    const body = line.body.trim();
    if (inLayers) {
      // The layer listing is one multi-line message: a line with a "[I]"-style prefix ends it.
      if (line.severity === undefined) {
        let m: RegExpExecArray | null;
        if ((m = /^- Profile: (\d+)$/.exec(body))) {
          flush();
          profile = Number(m[1]);
        } else if ((m = /^Layer (\d+)\s*\| (.*) \[Op: (.*)\]$/.exec(body))) {
          flush();
          pending = { index: Number(m[1]), name: m[2], op: m[3], profile, tensors: [] };
          inAttributes = false;
        } else if (pending && body === '---- Attributes ----') {
          inAttributes = true;
        } else if (pending && inAttributes && (m = /^(Origin|Tactic) = ?(.*)$/.exec(body))) {
          if (m[1] === 'Origin') pending.origin = m[2].trim();
          else pending.tactic = m[2].trim();
        } else if (pending && !inAttributes && body !== '') {
          pending.tensors.push(body);
        }
        return;
      }
      flush();
      inLayers = false;
    }
    // Polygraphy prints "[E] FAILED | Runtime: …" for a failed command: a status line, counted as an error too.
    diagnostics.add(line);
    let m: RegExpExecArray | null;
    if (/^---- \d+ Layer\(s\)(?: Per Profile)? ----$/.test(body) && line.severity === undefined) {
      inLayers = true;
      profile = undefined;
      return;
    }
    if ((m = /^(RUNNING|PASSED|FAILED) \| (?:Runtime: [^|]*\| )?Command: (.*)$/.exec(body))) {
      if (m[1] === 'RUNNING') result.commands.push({ command: m[2], status: 'RUNNING', line: line.number });
      else {
        const open = [...result.commands].reverse().find((c) => c.status === 'RUNNING' && c.command === m![2]);
        if (open) open.status = m[1] as 'PASSED' | 'FAILED';
        else result.commands.push({ command: m[2], status: m[1] as 'PASSED' | 'FAILED', line: line.number });
      }
      return;
    }
    if (!result.trtVersion && (m = /Loaded Module: tensorrt \| Version: ([0-9.]+)/.exec(body))) {
      result.trtVersion = m[1];
      return;
    }
    if ((m = /^Comparing Output: '(.*?)'/.exec(body))) {
      current = { output: m[1], line: line.number };
      return;
    }
    if (current && (m = /^(Absolute|Relative) Difference \| Stats: .*?max=([^ ,]+)/.exec(body))) {
      const value = Number(m[2]);
      if (Number.isFinite(value)) {
        if (m[1] === 'Absolute') current.maxAbsError = value;
        else current.maxRelError = value;
      }
      return;
    }
    // Polygraphy ≤ 0.4x (TensorRT 7–8.4 era): "Required tolerances: [atol=A] OR [rtol=…, atol=…] OR [rtol=R, atol=…]"
    // carries the max absolute (A) and relative (R) differences; later "Minimum Required Tolerance: elemwise error |
    // [abs=A] OR [rel=R]" does too (for the mean/median error statistics it carries those instead: not a max).
    if (current && (m = /^Required tolerances: \[atol=([^\]]+)\] OR \[rtol=[^\]]*\] OR \[rtol=([^,\]]+)/.exec(body))) {
      const abs = Number(m[1]);
      const rel = Number(m[2]);
      if (Number.isFinite(abs) && current.maxAbsError === undefined) current.maxAbsError = abs;
      if (Number.isFinite(rel) && current.maxRelError === undefined) current.maxRelError = rel;
      return;
    }
    if (current && (m = /^Minimum Required Tolerance: (?:elemwise|max) error \| \[abs=([^\]]+)\] OR \[rel=([^\]]+)\]/.exec(body))) {
      const abs = Number(m[1]);
      const rel = Number(m[2]);
      if (Number.isFinite(abs) && current.maxAbsError === undefined) current.maxAbsError = abs;
      if (Number.isFinite(rel) && current.maxRelError === undefined) current.maxRelError = rel;
      return;
    }
    if ((m = /^(PASSED|FAILED) \| Output: '(.*?)'/.exec(body))) {
      const base = current && current.output === m[2] ? current : { output: m[2], line: line.number };
      result.comparisons.push({ ...base, passed: m[1] === 'PASSED' });
      current = undefined;
      return;
    }
    // Older Polygraphy: the verdict names no output; it belongs to the comparison in progress.
    if (current && (m = /^(PASSED|FAILED) \| Difference (?:is within|exceeds) tolerance/.exec(body))) {
      result.comparisons.push({ ...current, passed: m[1] === 'PASSED' });
      current = undefined;
    }
  });
  flush();
  if (engineLayers.length > 0) result.engineLayers = engineLayers;
  return result;
}
