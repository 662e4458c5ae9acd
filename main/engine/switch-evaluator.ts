/**
 * Evaluates "which layers run in reduced precision" choices on the final outputs, fast: one ONNX Runtime session
 * of the switchable graph (materializePlan with `switchable`) serves every choice — a choice is a set of bool
 * feeds, not a rebuild — and only the model outputs are fetched (no captured tensors). FP32 outputs of the
 * samples are computed once and kept (model outputs are small next to the activations).
 */
import { accumulateErrorSums, cosineSimilarityFromSums, emptyErrorSums, sqnrDbFromSums } from '../../app/compare/metrics';
import { ClassificationAccumulator } from '../../app/compare/classification';
import type { ModelProto } from '../../app/onnx/proto';
import type { Graph } from '../../app/model/graph';
import { materializePlan, type AmaxLookup } from '../../app/precision/materialize';
import type { ResolvedLayerPrecision } from '../../app/precision/plan';
import type { Sample, SampleSource, TensorData } from '../data/types';
import { OrtRunner } from './ort-runner';

export interface ChoiceScore {
  /** Pooled over all model outputs and samples. */
  cosineSimilarity: number;
  sqnrDb: number;
  /** Classifiers only. */
  top1Agreement: number | null;
}

export class SwitchEvaluator {
  /** Number of evaluate() calls so far (each = one run per sample). */
  evaluations = 0;

  private constructor(
    private readonly runner: OrtRunner,
    private readonly switches: Map<string, string>,
    private readonly samples: Sample[],
    private readonly references: Map<string, Float32Array>[],
    private readonly outputs: string[],
    private readonly classifier: boolean,
  ) {}

  /**
   * `reduced` lists the layers that may be switched (their plan precision is what "on" means). Samples are taken
   * from `source` (at most `maxSamples`) and held in memory as model inputs.
   */
  static async create(args: {
    model: ModelProto;
    graph: Graph;
    reduced: ResolvedLayerPrecision[];
    amaxOf: AmaxLookup;
    source: SampleSource;
    maxSamples: number;
    outputs: string[];
    classifier: boolean;
    label: string;
    /** FP32 model outputs of sample i when they are already stored (otherwise an FP32 run computes them). */
    storedReferences?: (index: number) => Map<string, Float32Array>;
  }): Promise<SwitchEvaluator> {
    const switchable = materializePlan(args.model, args.graph, args.reduced, args.amaxOf, { switchable: true, weights: 'dequantized-float' });
    const samples: Sample[] = [];
    for await (const sample of args.source.samples()) {
      samples.push(sample);
      if (samples.length >= args.maxSamples) break;
    }
    const references: Map<string, Float32Array>[] = [];
    if (args.storedReferences) {
      samples.forEach((_, i) => references.push(args.storedReferences!(i)));
    } else {
      const fp32 = await OrtRunner.create(args.model, `${args.label} (FP32)`);
      try {
        for (const sample of samples) {
          const out = await fp32.run(sample.feeds, args.outputs);
          references.push(new Map(args.outputs.map((name) => [name, out.get(name)!.data])));
        }
      } finally {
        await fp32.release();
      }
    }
    const runner = await OrtRunner.create(switchable.model, `${args.label} (switchable)`);
    return new SwitchEvaluator(runner, switchable.switches, samples, references, args.outputs, args.classifier);
  }

  get layerIds(): string[] {
    return [...this.switches.keys()];
  }

  /** Final-output agreement with FP32 when exactly the layers in `enabled` run in reduced precision. */
  async evaluate(enabled: ReadonlySet<string>): Promise<ChoiceScore> {
    this.evaluations++;
    const flags: Record<string, TensorData> = {};
    for (const [id, input] of this.switches) flags[input] = { dataType: 'bool', dims: [], data: new Uint8Array([enabled.has(id) ? 1 : 0]) };
    const sums = emptyErrorSums();
    const classification = this.classifier ? new ClassificationAccumulator() : null;
    for (let i = 0; i < this.samples.length; i++) {
      const out = await this.runner.run({ ...this.samples[i].feeds, ...flags }, this.outputs);
      for (const name of this.outputs) {
        const reference = this.references[i].get(name)!;
        const candidate = out.get(name)!.data;
        accumulateErrorSums(reference, candidate, sums);
        if (classification && name === this.outputs[0]) classification.update(reference, candidate, out.get(name)!.dims);
      }
    }
    return {
      cosineSimilarity: cosineSimilarityFromSums(sums),
      sqnrDb: sqnrDbFromSums(sums),
      top1Agreement: classification ? classification.result().top1Agreement : null,
    };
  }

  async release(): Promise<void> {
    await this.runner.release();
  }
}
