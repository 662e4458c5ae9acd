/** Detect and parse one file. Anything malformed becomes a WorkbenchError naming the file. */
import { isWorkbenchError } from '../errors';
import { parseCalibrationCache } from '../calibration/calibration-cache';
import { detectTrtArtifact } from './detect';
import { parseInspectorLog } from './inspector-log';
import { parseLayerInfoJson } from './layer-info';
import { parsePolygraphyLog } from './polygraphy-log';
import { parseProfileJson } from './profile-json';
import { parseTimesJson } from './times-json';
import { parseTrexMetadata } from './trex-metadata';
import { checkText, trtError } from './trt-errors';
import { parseTrtexecLog } from './trtexec-log';
import type { TrtArtifact, TrtArtifactKind } from './types';

export function parseTrtArtifact(file: string, input: string, kind?: TrtArtifactKind): TrtArtifact {
  try {
    const text = checkText(file, input);
    const detected = kind ?? detectTrtArtifact(file, text).kind;
    switch (detected) {
      case 'trtexec-log':
        return { kind: detected, file, log: parseTrtexecLog(file, text) };
      case 'inspector-log':
        return { kind: detected, file, inspector: parseInspectorLog(file, text) };
      case 'layer-info-json':
        return { kind: detected, file, layerInfo: parseLayerInfoJson(file, text) };
      case 'profile-json':
        return { kind: detected, file, profile: parseProfileJson(file, text) };
      case 'times-json':
        return { kind: detected, file, times: parseTimesJson(file, text) };
      case 'trex-metadata-json':
        return { kind: detected, file, trex: parseTrexMetadata(file, text) };
      case 'calibration-cache':
        return { kind: detected, file, cache: parseCalibrationCache(text, { file }) };
      case 'polygraphy-log':
        return { kind: detected, file, polygraphy: parsePolygraphyLog(file, text) };
    }
    throw trtError('TRT_UNKNOWN_KIND', file, `unknown artifact kind '${String(detected)}'`);
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    // A parser bug or an engine limit (e.g. a RangeError on a pathological regex input) must still name the file.
    throw trtError('TRT_LOG_MALFORMED', file, `could not be read (${(error as Error)?.message ?? String(error)})`);
  }
}
