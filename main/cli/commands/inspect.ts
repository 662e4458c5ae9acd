/** `pwb inspect MODEL`: inputs, outputs, opsets, layers and data types, without running anything. */
import { summarizeModel } from '../../../app/model/graph';
import { loadModel } from '../../io/model-file';
import { renderTable, truncateMiddle } from '../format';

export async function inspectCommand(modelPath: string, options: { json: boolean; out: NodeJS.WriteStream | { write(s: string): unknown } }): Promise<number> {
  const loaded = await loadModel(modelPath);
  const summary = summarizeModel(loaded.proto, loaded.graph);
  const byOp: Record<string, number> = {};
  for (const layer of loaded.layers) byOp[layer.opType] = (byOp[layer.opType] ?? 0) + 1;
  if (options.json) {
    options.out.write(
      JSON.stringify(
        {
          model: modelPath,
          summary,
          layers: loaded.layers.map((l) => ({ id: l.id, opType: l.opType, role: l.role, graphPath: l.graphPath, activationInputs: l.activationInputs, weight: l.weight ?? null, output: l.output })),
        },
        null,
        2,
      ) + '\n',
    );
    return 0;
  }
  const shape = (s: (number | string | null)[] | null) => (s ? `[${s.map((d) => d ?? '?').join(', ')}]` : '(unknown)');
  const lines = [
    `${modelPath}`,
    `  IR ${summary.irVersion}, opsets ${summary.opsets.map((o) => `${o.domain} ${o.version}`).join(', ')}${summary.producer ? `, produced by ${summary.producer}` : ''}`,
    `  ${summary.nodeCount} nodes${summary.subgraphCount > 0 ? ` (${summary.nodeCountWithSubgraphs} with ${summary.subgraphCount} subgraphs)` : ''}, ${summary.initializerCount} initializers (${Object.entries(summary.initializerDataTypes).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'})`,
    '',
    'Inputs',
    ...summary.inputs.map((i) => `  ${i.name}: ${i.dataType} ${shape(i.shape)}`),
    'Outputs',
    ...summary.outputs.map((o) => `  ${o.name}: ${o.dataType} ${shape(o.shape)}`),
    '',
    `Reduced-precision layers: ${loaded.layers.length} (${Object.entries(byOp).map(([k, v]) => `${k} ×${v}`).join(', ') || 'none'})${loaded.layers.some((l) => l.graphPath) ? `, ${loaded.layers.filter((l) => l.graphPath).length} inside subgraphs` : ''}`,
  ];
  options.out.write(lines.join('\n') + '\n');
  if (loaded.layers.length > 0) {
    const rows = loaded.layers.slice(0, 40).map((l) => [
      truncateMiddle(l.id, 48),
      l.role,
      l.weight ? `[${l.weight.dims.join('×')}]${l.weight.channelAxis === null ? ' per-tensor' : ` axis ${l.weight.channelAxis}`}` : '—',
      l.graphPath ? truncateMiddle(l.graphPath, 30) : 'main',
    ]);
    options.out.write('\n' + renderTable(['layer id', 'role', 'weight', 'graph'], rows) + '\n');
    if (loaded.layers.length > 40) options.out.write(`… ${loaded.layers.length - 40} more (use --json for all)\n`);
  }
  const opCounts = Object.entries(summary.opTypes).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ×${v}`);
  options.out.write(`\nOp types: ${opCounts.join(', ')}\n`);
  return 0;
}
