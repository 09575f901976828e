declare module 'bencode' {
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode: {
      (data: Uint8Array, start?: number, end?: number, encoding?: string): unknown;
      /** Where the last decode stopped, counted from its `start`. */
      position: number;
    };
    byteLength(value: unknown): number;
  };
  export default bencode;
}
