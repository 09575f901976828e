/**
 * The adaptation ladder of a video conversion: the rungs it may run at, best picture first, each
 * cheaper than the one before (a faster x264 preset, 1080p down to 720p, then a frame-rate cap).
 * The capacity model (capacity.ts) takes the first rung the machine can hold in real time. Pure.
 */

export type X264Preset = 'veryfast' | 'superfast' | 'ultrafast';

export interface Rung {
  /** Stable name, the key of calibrated costs: e.g. `720p-superfast` or `720p-ultrafast-30fps`. */
  id: string;
  /** Output height (the width follows the aspect ratio). */
  height: number;
  preset: X264Preset;
  /** Frame-rate ceiling; absent keeps the source's rate. */
  maxFps?: number;
}

/** Below this the picture is no longer worth it for a film: the ladder stops at 720p. */
export const FLOOR_HEIGHT = 720;
/** The frame-rate ceiling of the last rung (a 50/60 fps source halves its encode cost). */
export const CAPPED_FPS = 30;

function rung(height: number, preset: X264Preset, maxFps?: number): Rung {
  return { id: `${height}p-${preset}${maxFps ? `-${maxFps}fps` : ''}`, height, preset, ...(maxFps ? { maxFps } : {}) };
}

/**
 * `height` is what the conversion would produce at best (the source's, or the screen's limit);
 * above 720p the ladder steps down to 720p before it gives up preset quality.
 */
export function ladderFor(height: number, sourceFps?: number): Rung[] {
  const top = Math.max(2, Math.floor(height / 2) * 2);
  const low = Math.min(top, FLOOR_HEIGHT);
  const rungs = [rung(top, 'veryfast')];
  // A 4K source steps through 1080p on its way down.
  if (top > 1080) rungs.push(rung(1080, 'veryfast'));
  if (top > low) rungs.push(rung(low, 'veryfast'));
  rungs.push(rung(low, 'superfast'), rung(low, 'ultrafast'));
  // A cap only helps a source faster than it (an unknown rate may be 60 fps: keep the rung).
  if (sourceFps === undefined || sourceFps > CAPPED_FPS + 0.5) rungs.push(rung(low, 'ultrafast', CAPPED_FPS));
  return rungs;
}

/**
 * What a screen needs at a height, bits/s: about what streaming services send for H.264 at that
 * size; more buys nothing visible on a TV and stalls a Wi-Fi link.
 */
export function screenBitrateFor(height: number): number {
  if (height <= 480) return 2_500_000;
  if (height <= 720) return 5_000_000;
  if (height <= 1080) return 10_000_000;
  return 25_000_000;
}
