/**
 * Engine layers printed as text:
 * - IEngineInspector kONELINE-less text / `trtexec --dumpLayerInfo` ("Layers:" then one line per layer):
 *     Name: a + b, LayerType: CaskConvolution, Inputs: [ { Name: x, Location: Device, Dimensions: [1,3,224,224],
 *     Format/Datatype: Half }], Outputs: [ … ], …, TacticName: sm80_…, TacticValue: 0x…, StreamId: 0, Metadata: […]
 * - the verbose build log's "Engine Layer Information:" block (kLAYER_NAMES_ONLY one-line format):
 *     10.x  Layer(CaskPooling): node_max_pool2d, Tactic: 0xdd39…, relu (Float[-1,32,28,28]) -> max_pool2d (Float[…])
 *     8.x   Layer(TiledPooling): MaxPool-3, Tactic: 0x…0620101, tensor-2[Float(-2,32,28,28)] -> tensor-3[Float(…)]
 * Names may contain ", " (PWN(PWN(/Sub), PWN(/Div))), so fields are located by their labels, not by splitting.
 */
import { makeEngineLayer } from './engine-layer';
import { dataTypeOf } from './realized-precision';
import type { EngineLayer, EngineTensor } from './types';

export const TEXT_LAYER_LINE = /^Name: .*?, LayerType: /;
export const ONELINE_LAYER_LINE = /^Layer\([^)]*\): /;

/** The bracketed list that starts at `open` (a '['), honouring nesting; returns its inside. */
function bracketed(text: string, open: number): { inside: string; end: number } | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') {
      depth--;
      if (depth === 0) return { inside: text.slice(open + 1, i), end: i };
    }
  }
  return undefined;
}

const TEXT_TENSOR = /\{ Name: (.*?), (?:Location: (\w+), )?Dimensions: \[([^\]]*)\], Format\/Datatype: (.*?) \}/g;

function numbers(list: string): number[] {
  return list.split(',').map((d) => d.trim()).filter((d) => d !== '').map((d) => Number(d.split(':')[0]));
}

function textTensors(inside: string): EngineTensor[] {
  const tensors: EngineTensor[] = [];
  for (const m of inside.matchAll(TEXT_TENSOR)) {
    const tensor: EngineTensor = { name: m[1], dims: numbers(m[3]), format: m[4], dataType: dataTypeOf(m[4]) };
    if (m[2]) tensor.location = m[2];
    tensors.push(tensor);
  }
  return tensors;
}

/** One `Name: …, LayerType: …` line; undefined when the line is not one. */
export function parseTextLayerLine(index: number, line: string): EngineLayer | undefined {
  const head = /^Name: (.*?), LayerType: ([^,]*)/.exec(line);
  if (!head) return undefined;
  const field = (label: string): string | undefined => {
    const at = line.indexOf(`, ${label}: `);
    if (at < 0) return undefined;
    const start = at + label.length + 4;
    const next = line.indexOf(', ', start);
    return line.slice(start, next < 0 ? line.length : next);
  };
  const list = (label: string): EngineTensor[] => {
    const at = line.indexOf(`${label}: [`);
    if (at < 0) return [];
    const inside = bracketed(line, at + label.length + 2);
    return inside ? textTensors(inside.inside) : [];
  };
  const metadataAt = line.indexOf(', Metadata: ');
  const weights = /Weights: \{"Type": "(\w+)"/.exec(line);
  return makeEngineLayer(index, {
    name: head[1],
    layerType: head[2],
    inputs: list('Inputs'),
    outputs: list('Outputs'),
    parameterType: field('ParameterType'),
    origin: field('Origin'),
    weightsType: weights?.[1],
    tacticName: field('TacticName'),
    tacticValue: field('TacticValue'),
    metadata: metadataAt < 0 ? undefined : line.slice(metadataAt + 12).trimEnd(),
  });
}

const ONELINE_TENSOR_10 = /(.+?) \((\w+)\[([^\]]*)\]\)(?:, |$)/g;
const ONELINE_TENSOR_8 = /(.+?)\[(\w+)\(([^)]*)\)\](?:, |$)/g;

function onelineTensors(text: string): EngineTensor[] {
  const tensors: EngineTensor[] = [];
  const pattern = /\w+\[[^\]]*\]\)\s*$/.test(text) || / \(\w+\[/.test(text) ? ONELINE_TENSOR_10 : ONELINE_TENSOR_8;
  for (const m of text.matchAll(pattern)) tensors.push({ name: m[1], dims: numbers(m[3]), format: m[2], dataType: dataTypeOf(m[2]) });
  return tensors;
}

/** One `Layer(Type): name, Tactic: 0x…, inputs -> outputs` line; undefined when the line is not one. */
export function parseOnelineLayerLine(index: number, line: string): EngineLayer | undefined {
  const m = /^Layer\(([^)]*)\): (.*), Tactic: (0x[0-9a-fA-F]+|-?\d+),? ?(.*)$/.exec(line);
  if (!m) return undefined;
  const arrow = m[4].indexOf(' -> ');
  const inputs = arrow < 0 ? m[4] : m[4].slice(0, arrow);
  const outputs = arrow < 0 ? '' : m[4].slice(arrow + 4);
  return makeEngineLayer(index, { name: m[2], layerType: m[1], tacticValue: m[3], inputs: onelineTensors(inputs), outputs: onelineTensors(outputs) });
}
