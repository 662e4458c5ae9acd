/** Building an EngineLayer from whichever export it came from: metadata nodes, profile index, precision. */
import { layerComputePrecision } from './realized-precision';
import type { EngineLayer, EngineTensor } from './types';

/**
 * ONNX node names from a layer's Metadata: `[ONNX Layer: a]\u001e[ONNX Layer: b]`; a node inside an ONNX local
 * function reads `[ONNX Layer: a | Local Function: f]` (the node name is the part before " | ").
 */
export function metadataNodes(metadata: string | undefined): string[] {
  if (!metadata) return [];
  const nodes: string[] = [];
  const seen = new Set<string>();
  for (const part of metadata.split(/[\u001e\u001f]/)) {
    for (const match of part.matchAll(/\[ONNX Layer: ([^\]]*)\]/g)) {
      const name = match[1].split(' | ')[0];
      if (name !== '' && !seen.has(name)) {
        seen.add(name);
        nodes.push(name);
      }
    }
  }
  return nodes;
}

/** " [profile N]" ends the name, or precedes a Myelin kernel suffix: "node_linear [profile 1]_myl11_2". */
const PROFILE_SUFFIX = / \[profile (\d+)\](?=_myl\d+_\d+$|$)/;

export function profileIndexOf(name: string): { base: string; profileIndex: number } {
  const match = PROFILE_SUFFIX.exec(name);
  return match ? { base: name.slice(0, match.index) + name.slice(match.index + match[0].length), profileIndex: Number(match[1]) } : { base: name, profileIndex: 0 };
}

/**
 * TensorRT lists the layers of each optimization profile one after another, and Myelin kernels of profile N ≥ 1
 * (`__myl_Resh_myl11_1`) carry no " [profile N]" marker: an unmarked layer belongs to the profile of the marked
 * layer before it.
 */
export function assignProfiles(layers: EngineLayer[]): EngineLayer[] {
  let current = 0;
  for (const layer of layers) {
    if (layer.profileIndex > 0) current = layer.profileIndex;
    else if (current > 0 && !/\[profile \d+\]/.test(layer.name)) layer.profileIndex = current;
  }
  return layers;
}

export interface EngineLayerFields {
  name: string;
  layerType?: string;
  parameterType?: string;
  origin?: string;
  inputs?: EngineTensor[];
  outputs?: EngineTensor[];
  weightsType?: string;
  tacticName?: string;
  tacticValue?: string;
  metadata?: string;
}

export function makeEngineLayer(index: number, fields: EngineLayerFields): EngineLayer {
  const layer: EngineLayer = {
    index,
    name: fields.name,
    inputs: fields.inputs ?? [],
    outputs: fields.outputs ?? [],
    metadataNodes: metadataNodes(fields.metadata),
    profileIndex: profileIndexOf(fields.name).profileIndex,
    precision: 'unknown',
  };
  if (fields.layerType !== undefined) layer.layerType = fields.layerType;
  if (fields.parameterType !== undefined) layer.parameterType = fields.parameterType;
  if (fields.origin !== undefined) layer.origin = fields.origin;
  if (fields.weightsType !== undefined) layer.weightsType = fields.weightsType;
  if (fields.tacticName !== undefined && fields.tacticName !== '') layer.tacticName = fields.tacticName;
  if (fields.tacticValue !== undefined) layer.tacticValue = fields.tacticValue;
  if (fields.metadata !== undefined && fields.metadata !== '') layer.metadata = fields.metadata;
  // A reformat copy "computes" in the type it writes (e.g. FP32 → Int8 is the quantizing copy).
  layer.precision = isReformatLayer(layer) && layer.outputs.length > 0 ? layer.outputs[0].dataType : layerComputePrecision(layer);
  return layer;
}

/** Reformat copies and Q/DQ conversions TensorRT inserted (not ONNX compute). */
export function isReformatLayer(layer: Pick<EngineLayer, 'name' | 'layerType' | 'origin'>): boolean {
  return (
    layer.origin === 'REFORMAT' ||
    layer.layerType === 'Reformat' && layer.origin !== 'QDQ' ||
    /^Reformatting CopyNode for /.test(layer.name) ||
    / (?:input|output) reformatter \d+$/.test(layer.name)
  );
}
