// What one kustomization contributes while building: its resources, field spec config and vars.
import { ResMap } from './res-map.ts';
import { defaultTransformerConfig, mergeTransformerConfig, type TransformerConfig } from './transformer-config.ts';
import type { Var } from './types.ts';

export type Accumulator = {
  resMap: ResMap;
  config: TransformerConfig;
  vars: Var[];
};

export function emptyAccumulator(): Accumulator {
  return { resMap: new ResMap(), config: defaultTransformerConfig(), vars: [] };
}

/** Takes a finished base into its parent: resources (ids must stay unique), config and vars. */
export function mergeAccumulator(into: Accumulator, from: Accumulator): void {
  into.resMap.appendAll(from.resMap.resources);
  mergeTransformerConfig(into.config, from.config);
  into.vars.push(...from.vars);
}
