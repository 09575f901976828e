declare module 'qrcode-terminal' {
  const qrcode: {
    /** Renders `text` as a QR code of block characters; `small` uses half-height blocks. */
    generate(text: string, options: { small?: boolean }, callback: (qr: string) => void): void;
    setErrorLevel(level: 'L' | 'M' | 'Q' | 'H'): void;
  };
  export default qrcode;
}
