/**
 * One suite for the CastTarget interface: every implementation (the Chromecast sender against
 * the fake Chromecast, the DLNA sender against the real gmediarender) passes the same
 * play/pause/seek/volume/stop/status cases. A harness hands over a connected target and a media
 * of about 20 s the device can fetch; the cases run in order on that one target, as a user would.
 *
 * Devices change state asynchronously (a real renderer takes a moment to preroll), so each case
 * waits for the state it expects, up to a deadline, and then asserts on what the device reports.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CastError, type CastStatus, type CastTarget, type MediaSpec } from '../../src/index.js';

export interface CastTargetHarness {
  target: CastTarget;
  /** About 20 s long, its duration given in durationSeconds. */
  media: MediaSpec & { durationSeconds: number };
  /** Called after the suite (the target is closed by the suite itself). */
  close(): Promise<void>;
}

/** How long a device may take to reach a state; a fake answers at once, a renderer prerolls. */
const SETTLE_MS = 15_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function statusWhen(target: CastTarget, ok: (s: CastStatus) => boolean, what: string): Promise<CastStatus> {
  const until = Date.now() + SETTLE_MS;
  let s = await target.status();
  while (!ok(s)) {
    if (Date.now() > until) assert.fail(`${target.device.name}: ${what} not reached within ${SETTLE_MS} ms; last status ${JSON.stringify(s)}`);
    await sleep(200);
    s = await target.status();
  }
  return s;
}

export function castTargetSuite(name: string, setup: () => Promise<CastTargetHarness>): void {
  describe(`CastTarget compliance: ${name}`, { concurrency: false }, () => {
    let h: CastTargetHarness | undefined;
    const target = (): CastTarget => {
      assert.ok(h, 'the harness did not start');
      return h.target;
    };
    before(async () => {
      h = await setup();
    });
    after(async () => {
      await h?.target.close();
      await h?.close();
    });

    it('reports nothing playing before a load', async () => {
      const s = await target().status();
      assert.ok(s.state === 'idle' || s.state === 'stopped', `state ${s.state}`);
      assert.ok(s.volume >= 0 && s.volume <= 1, `volume ${s.volume} is within 0..1`);
    });

    it('loads the media and plays it, with its duration', async () => {
      await target().load(h!.media);
      const s = await statusWhen(target(), (x) => x.state === 'playing' && x.durationSeconds > 0, 'playing with a duration');
      assert.ok(Math.abs(s.durationSeconds - h!.media.durationSeconds) < 1.5, `duration ${s.durationSeconds}, media ${h!.media.durationSeconds}`);
      assert.equal(s.error, undefined);
    });

    it('pauses', async () => {
      await target().pause();
      await statusWhen(target(), (x) => x.state === 'paused', 'paused');
    });

    it('seeks while paused and reports the new position', async () => {
      await target().seek(12);
      const s = await statusWhen(target(), (x) => Math.abs(x.positionSeconds - 12) < 2, 'position 12 s');
      assert.equal(s.state, 'paused', 'a seek does not resume playback');
    });

    it('resumes playing from there', async () => {
      await target().play();
      const s = await statusWhen(target(), (x) => x.state === 'playing', 'playing again');
      assert.ok(s.positionSeconds >= 11, `position ${s.positionSeconds} kept after the seek`);
    });

    it('sets the volume and reports it', async () => {
      await target().setVolume(0.4);
      await statusWhen(target(), (x) => Math.abs(x.volume - 0.4) < 0.02, 'volume 0.4');
    });

    it('refuses out-of-range seeks and volumes before sending anything', async () => {
      await assert.rejects(target().seek(-1), RangeError);
      await assert.rejects(target().seek(Number.NaN), RangeError);
      await assert.rejects(target().setVolume(1.5), RangeError);
      await assert.rejects(target().setVolume(-0.1), RangeError);
      const s = await target().status();
      assert.ok(Math.abs(s.volume - 0.4) < 0.02, `volume unchanged: ${s.volume}`);
    });

    it('stops', async () => {
      await target().stop();
      await statusWhen(target(), (x) => x.state === 'stopped' || x.state === 'idle', 'stopped');
    });

    it('refuses commands once closed, with a CastError', async () => {
      await target().close();
      await assert.rejects(target().play(), (e: unknown) => e instanceof CastError && e.code === 'E_DEVICE_UNREACHABLE' && e.message.includes(target().device.name));
      await assert.rejects(target().status(), CastError);
    });
  });
}
