/** Shortest distinguishing labels for file stems: drop the leading path segments they all share. */
export function shortLabels(stems: readonly string[]): string[] {
  if (stems.length <= 1) return stems.map((s) => s.split('/').pop() ?? s);
  const split = stems.map((s) => s.split('/'));
  let common = 0;
  while (split.every((p) => p.length - 1 > common && p[common] === split[0][common])) common++;
  return split.map((p) => p.slice(common).join('/'));
}
