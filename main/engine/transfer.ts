/**
 * Handing tensors to worker threads without copying: a buffer can be transferred once. When the same array is
 * needed by several messages (a layer output that is also a model output, or another layer's quantized input),
 * every use but the last gets a copy and the last one transfers the original.
 */
export class TransferPlan {
  private readonly uses = new Map<Float32Array, number>();

  /** Declare one future use of `array` (call for every use before the first give()). */
  use(array: Float32Array): void {
    this.uses.set(array, (this.uses.get(array) ?? 0) + 1);
  }

  /** The array to send for one use: a copy while later uses remain, the original for the last. */
  give(array: Float32Array): Float32Array {
    const left = (this.uses.get(array) ?? 1) - 1;
    this.uses.set(array, left);
    return left > 0 ? array.slice() : array;
  }
}
