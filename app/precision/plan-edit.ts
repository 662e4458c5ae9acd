/** Editing a plan: pin layers to a precision (returns a new plan; the input is not modified). */
import type { Precision, PrecisionPlan } from './plan';

export function pinLayers(plan: PrecisionPlan, layerIds: readonly string[], precision: Precision): PrecisionPlan {
  const layers = { ...plan.layers };
  for (const id of layerIds) layers[id] = { ...layers[id], precision };
  return { ...plan, layers };
}

/** Removes per-layer precision entries (the layers follow the default again); other fields of an entry stay. */
export function unpinLayers(plan: PrecisionPlan, layerIds: readonly string[]): PrecisionPlan {
  const layers = { ...plan.layers };
  for (const id of layerIds) {
    const { precision: _dropped, ...rest } = layers[id] ?? {};
    if (Object.keys(rest).length > 0) layers[id] = rest;
    else delete layers[id];
  }
  return { ...plan, layers };
}
