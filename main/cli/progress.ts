/**
 * Progress on stderr: silent for the first second, then a bar (TTY) or a line per phase and every ~10 %
 * (pipes and CI logs), so short runs stay quiet and long ones show life.
 */
export class ProgressReporter {
  private readonly start = Date.now();
  private lastPhase = '';
  private lastPercent = -1;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly enabled = true) {}

  update(phase: string, done: number, total: number): void {
    if (!this.enabled || Date.now() - this.start < 1000) return;
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const percent = Math.floor(fraction * 100);
    if (this.stream.isTTY) {
      const width = 30;
      const filled = Math.round(fraction * width);
      const elapsed = ((Date.now() - this.start) / 1000).toFixed(1);
      this.stream.write(`\r${phase.padEnd(10)} [${'█'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}  ${elapsed}s`);
      this.drawn = true;
    } else if (phase !== this.lastPhase || percent >= this.lastPercent + 10) {
      this.stream.write(`${phase}: ${done}/${total}\n`);
      this.lastPercent = percent;
    }
    this.lastPhase = phase;
  }

  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
  }
}
