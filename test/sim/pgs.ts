/**
 * A PGS (Blu-ray HDMV presentation graphics) subtitle stream, written by hand: ffmpeg decodes PGS
 * but cannot encode it, so a test that burns one in builds it here. Two display sets as a `.sup`
 * file (what ffmpeg's `sup` demuxer reads): at `start` a red box (BOX on a WIDTH x HEIGHT canvas)
 * appears, at `start + duration` an empty composition clears it.
 *
 * Every segment is `'PG'`, PTS and DTS (90 kHz, 32 bits), type, 16-bit size, payload. A display
 * set is PCS (0x16, the composition), WDS (0x17, windows), PDS (0x14, palette), ODS (0x15, the
 * RLE bitmap), END (0x80).
 */
import fs from 'node:fs';

export const WIDTH = 320;
export const HEIGHT = 240;
/** Inclusive pixel bounds of the box, in the canvas (the video, when the sizes agree). */
export const BOX = { x1: 60, x2: 259, y1: 170, y2: 219 } as const;
/** Palette entry 1 in BT.709 Y'CbCr (studio range): pure red, far from the black video. */
const RED = { y: 63, cb: 102, cr: 240 } as const;

const PCS = 0x16;
const WDS = 0x17;
const PDS = 0x14;
const ODS = 0x15;
const END = 0x80;

function segment(type: number, ptsSeconds: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(13);
  head.write('PG', 0, 'latin1');
  head.writeUInt32BE(Math.round(ptsSeconds * 90_000) >>> 0, 2);
  // DTS 0: decoders order by PTS, and ffmpeg ignores the DTS of PGS segments.
  head.writeUInt32BE(0, 6);
  head.writeUInt8(type, 10);
  head.writeUInt16BE(payload.length, 11);
  return Buffer.concat([head, payload]);
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** Presentation composition: the canvas, its number, and the objects shown (none clears the screen). */
function pcs(composition: number, state: 'epoch-start' | 'normal', objects: Array<{ id: number; x: number; y: number }>): Buffer {
  return Buffer.concat([
    u16(WIDTH), u16(HEIGHT),
    Buffer.from([0x10]), // frame rate code (ignored by decoders)
    u16(composition),
    Buffer.from([state === 'epoch-start' ? 0x80 : 0x00, 0x00 /* no palette-only update */, 0x00 /* palette 0 */, objects.length]),
    ...objects.map((o) => Buffer.concat([u16(o.id), Buffer.from([0 /* window 0 */, 0x00 /* not cropped */]), u16(o.x), u16(o.y)])),
  ]);
}

function wds(): Buffer {
  return Buffer.concat([Buffer.from([1, 0]), u16(BOX.x1), u16(BOX.y1), u16(BOX.x2 - BOX.x1 + 1), u16(BOX.y2 - BOX.y1 + 1)]);
}

/** Palette 0, version 0: entry 1 opaque red (entry 0, never defined, is transparent). */
function pds(): Buffer {
  return Buffer.from([0, 0, 1, RED.y, RED.cr, RED.cb, 0xff]);
}

/**
 * One line of `width` pixels of colour 1 in PGS run-length code, then the end-of-line code:
 * `00 C0|hi lo 01` is "a run of 64-16383 pixels of colour 01"; shorter runs use `00 80|len 01`.
 */
function rleLine(width: number): Buffer {
  const run = width >= 64 ? Buffer.from([0x00, 0xc0 | (width >> 8), width & 0xff, 0x01]) : Buffer.from([0x00, 0x80 | width, 0x01]);
  return Buffer.concat([run, Buffer.from([0x00, 0x00])]);
}

/** The object: a single ODS holding the whole bitmap (first and last in sequence). */
function ods(id: number): Buffer {
  const width = BOX.x2 - BOX.x1 + 1;
  const height = BOX.y2 - BOX.y1 + 1;
  const rle = Buffer.concat(Array.from({ length: height }, () => rleLine(width)));
  // The object data length counts the 4 bytes of width and height too (24 bits).
  const dataLength = rle.length + 4;
  return Buffer.concat([
    u16(id), Buffer.from([0 /* version */, 0xc0 /* first and last */, (dataLength >> 16) & 0xff, (dataLength >> 8) & 0xff, dataLength & 0xff]),
    u16(width), u16(height), rle,
  ]);
}

/** The `.sup` bytes: the box shown from `start` for `duration` seconds. */
export function pgsStream(start: number, duration: number): Buffer {
  const end = start + duration;
  return Buffer.concat([
    segment(PCS, start, pcs(0, 'epoch-start', [{ id: 0, x: BOX.x1, y: BOX.y1 }])),
    segment(WDS, start, wds()),
    segment(PDS, start, pds()),
    segment(ODS, start, ods(0)),
    segment(END, start, Buffer.alloc(0)),
    // An empty composition in the same window: the box goes.
    segment(PCS, end, pcs(1, 'normal', [])),
    segment(WDS, end, wds()),
    segment(END, end, Buffer.alloc(0)),
  ]);
}

/** Writes the `.sup` file and returns its path. */
export function writePgs(file: string, start: number, duration: number): string {
  fs.writeFileSync(file, pgsStream(start, duration));
  return file;
}
