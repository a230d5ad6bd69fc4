/**
 * Node's Buffer has fast latin1 codecs that its public toString/write dispatch to; we call them directly
 * on the hot path (keys and values are latin1 strings). They exist in every supported Node version but
 * are missing from @types/node.
 */
declare global {
  interface Buffer {
    latin1Slice(start?: number, end?: number): string;
    latin1Write(s: string, offset?: number, length?: number): number;
  }
}
export {};
