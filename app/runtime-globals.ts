/**
 * The few web-standard globals every runtime the app core targets (Node ≥ 20, Electron, browsers) provides.
 * Declared here because app/ compiles without DOM and Node typings on purpose.
 */
export {};

declare global {
  class TextDecoder {
    constructor(label?: string, options?: { fatal?: boolean });
    decode(input?: Uint8Array): string;
  }
  class TextEncoder {
    encode(input?: string): Uint8Array;
  }
  function structuredClone<T>(value: T): T;
  const console: { log(...args: unknown[]): void; warn(...args: unknown[]): void; error(...args: unknown[]): void };
}
