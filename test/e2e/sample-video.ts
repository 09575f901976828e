/** A short real video (H.264 + AAC in MP4, moov first) made by ffmpeg for the in-page player. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { requireTool } from '../sim/require-tool.js';

const run = promisify(execFile);

export async function makeSampleVideo(path: string, seconds = 4, ffmpeg = process.env['FFMPEG_PATH'] ?? 'ffmpeg'): Promise<string> {
  requireTool('ffmpeg', ffmpeg);
  await run(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=size=320x240:rate=25:duration=${seconds}`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast',
    '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', '-shortest',
    path,
  ]);
  return path;
}
