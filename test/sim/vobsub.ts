/**
 * A VobSub (DVD picture subtitle) track, written by hand: ffmpeg cannot turn text into picture
 * subtitles, and it cannot encode PGS at all, so the picture subtitle a test burns in is built
 * here: one subpicture (a white 200x40 box at the bottom of a 320x240 frame) shown from `start`
 * for `duration` seconds, as the .idx/.sub pair ffmpeg's vobsub demuxer reads.
 */
import fs from 'node:fs';

export const BOX = { x1: 60, x2: 259, y1: 180, y2: 219 } as const;

/** One DVD SPU: RLE lines each filled with colour 1, two control sequences (show, then hide after `duration`). */
function spu(durationSeconds: number): Buffer {
  const lines = BOX.y2 - BOX.y1 + 1;
  // "Fill the rest of the line with colour 1": the 16-bit RLE code 0000 0000 0000 00cc.
  const field = Buffer.alloc((lines / 2) * 2);
  for (let i = 0; i < field.length; i += 2) field[i + 1] = 0x01;
  const top = 4;
  const bottom = top + field.length;
  const ctrl1 = bottom + field.length;
  const coords = Buffer.from([BOX.x1 >> 4, ((BOX.x1 & 0xf) << 4) | (BOX.x2 >> 8), BOX.x2 & 0xff, BOX.y1 >> 4, ((BOX.y1 & 0xf) << 4) | (BOX.y2 >> 8), BOX.y2 & 0xff]);
  const seq1Body = Buffer.concat([
    Buffer.from([0x03, 0x00, 0x10]), // colours: index 1 = palette entry 1, index 0 = entry 0
    Buffer.from([0x04, 0x00, 0xf0]), // alpha: index 1 opaque, index 0 transparent
    Buffer.from([0x05]), coords,
    Buffer.from([0x06, top >> 8, top & 0xff, bottom >> 8, bottom & 0xff]),
    Buffer.from([0x01, 0xff]), // show; end
  ]);
  const ctrl2 = ctrl1 + 4 + seq1Body.length;
  const seq1 = Buffer.concat([Buffer.from([0, 0, ctrl2 >> 8, ctrl2 & 0xff]), seq1Body]);
  const date = Math.round((durationSeconds * 90_000) / 1024);
  const seq2 = Buffer.from([date >> 8, date & 0xff, ctrl2 >> 8, ctrl2 & 0xff, 0x02, 0xff]);
  const size = ctrl2 + seq2.length;
  return Buffer.concat([Buffer.from([size >> 8, size & 0xff, ctrl1 >> 8, ctrl1 & 0xff]), field, field, seq1, seq2]);
}

function pts(seconds: number): Buffer {
  const p = Math.round(seconds * 90_000);
  return Buffer.from([0x21 | ((p / 2 ** 29) & 0x0e), (p >> 22) & 0xff, ((p >> 14) & 0xfe) | 1, (p >> 7) & 0xff, ((p << 1) & 0xfe) | 1]);
}

/** One 2048-byte MPEG-PS pack: pack header, private stream 1 (substream 0x20) carrying the SPU, padding. */
function pack(startSeconds: number, payload: Buffer): Buffer {
  const packHeader = Buffer.from([0, 0, 1, 0xba, 0x44, 0, 4, 0, 4, 1, 1, 0x89, 0xc3, 0xf8]);
  const pesBody = Buffer.concat([Buffer.from([0x81, 0x80, 5]), pts(startSeconds), Buffer.from([0x20]), payload]);
  const pes = Buffer.concat([Buffer.from([0, 0, 1, 0xbd, pesBody.length >> 8, pesBody.length & 0xff]), pesBody]);
  const used = packHeader.length + pes.length;
  const padLength = 2048 - used - 6;
  if (padLength < 0) throw new Error('vobsub: subpicture too large for one pack');
  const padding = Buffer.concat([Buffer.from([0, 0, 1, 0xbe, padLength >> 8, padLength & 0xff]), Buffer.alloc(padLength, 0xff)]);
  return Buffer.concat([packHeader, pes, padding]);
}

/** Writes `<base>.idx` and `<base>.sub`; returns the .idx path (what ffmpeg opens). */
export function writeVobSub(base: string, start: number, duration: number): string {
  fs.writeFileSync(`${base}.sub`, pack(start, spu(duration)));
  const ms = Math.round(start * 1000);
  const stamp = `${String(Math.floor(ms / 3_600_000)).padStart(2, '0')}:${String(Math.floor(ms / 60_000) % 60).padStart(2, '0')}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}:${String(ms % 1000).padStart(3, '0')}`;
  const palette = ['000000', 'ffffff', ...Array<string>(14).fill('808080')].join(', ');
  fs.writeFileSync(`${base}.idx`, `# VobSub index file, v7 (do not modify this line!)\nsize: 320x240\npalette: ${palette}\n\nid: en, index: 0\ntimestamp: ${stamp}, filepos: 000000000\n`);
  return `${base}.idx`;
}
