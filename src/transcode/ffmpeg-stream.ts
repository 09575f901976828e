/**
 * Runs one ffmpeg through fluent-ffmpeg (the project's driver: it builds the command line, checks
 * the encoders exist once per process, and captures the tail of stderr for error messages) and
 * makes sure it ends: stop() sends SIGTERM, then SIGKILL after a grace period. Every live process
 * is counted, so tests can check none outlives its request, and the slot limit counts processes
 * that really exited, not ones merely asked to stop.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import type { FfmpegPlan } from './ffmpeg-args.js';

const live = new Set<ChildProcess>();

/** ffmpeg processes started here that have not exited yet. */
export function activeProcesses(): number {
  return live.size;
}

/** Pids of those processes (tests cross-check them with ps). */
export function activePids(): number[] {
  return [...live].map((p) => p.pid).filter((p): p is number => typeof p === 'number');
}

export const KILL_GRACE_MS = 1_500;

export interface FfmpegExit {
  code: number | null;
  signal: string | null;
  /** Last lines ffmpeg wrote to stderr (errors only: it runs with -loglevel error). */
  stderr: string;
  /** Set when it ended because stop() was called. */
  stopped: boolean;
}

export interface RunningFfmpeg {
  /** ffmpeg's stdout: the transcoded stream. */
  output: Readable;
  /** Resolves once the process has exited (or failed to start). */
  exited: Promise<FfmpegExit>;
  stop(): void;
}

/** `-progress pipe:2` lines are `key=value`; ffmpeg's own messages never are. */
const PROGRESS_LINE = /^[a-z_0-9]+=\S*$/;

/** Stderr without the progress reports, for error messages. */
export function withoutProgress(stderr: string): string {
  return stderr.split('\n').filter((l) => !PROGRESS_LINE.test(l.trim())).join('\n');
}

/** The media time in an `out_time_us=N` progress line (microseconds; `N/A` before the first frame). */
export function progressSeconds(line: string): number | undefined {
  const m = /^out_time_us=(\d+)$/.exec(line.trim());
  return m ? Number(m[1]) / 1e6 : undefined;
}

export function startFfmpeg(opts: {
  ffmpegPath: string;
  plan: FfmpegPlan;
  graceMs?: number;
  onStart?: (commandLine: string) => void;
  /** The process id once it runs (to read its CPU time). */
  onPid?: (pid: number) => void;
  /** Media seconds written so far, from the plan's `-progress pipe:2` reports. */
  onProgress?: (mediaSeconds: number) => void;
}): RunningFfmpeg {
  const output = new PassThrough();
  let proc: ChildProcess | undefined;
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  let settle: (e: FfmpegExit) => void = () => {};
  const exited = new Promise<FfmpegExit>((resolve) => {
    settle = resolve;
  });
  let stderrTail = '';
  // Progress reports share stderr with the errors: room for both in the kept lines.
  const cmd = ffmpeg({ stdoutLines: opts.onProgress ? 80 : 20 })
    .setFfmpegPath(opts.ffmpegPath)
    .input(opts.plan.input)
    .inputOptions(...opts.plan.inputOptions)
    .outputOptions(...opts.plan.outputOptions);
  const kill = (): void => {
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    killTimer = setTimeout(() => {
      if (proc && proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    }, opts.graceMs ?? KILL_GRACE_MS);
    killTimer.unref();
  };
  let procExit: { code: number | null; signal: string | null } | undefined;
  let reported = false;
  // The process exit and fluent-ffmpeg's own 'error'/'end' (which carries stderr) come in
  // either order; settle when both are in, or shortly after the exit.
  const finish = (): void => {
    if (procExit && reported) settle({ ...procExit, stderr: stderrTail, stopped });
  };
  if (opts.onProgress) {
    const onProgress = opts.onProgress;
    cmd.on('stderr', (line: string) => {
      const t = progressSeconds(line);
      if (t !== undefined) onProgress(t);
    });
  }
  cmd.on('start', (commandLine: string) => {
    // fluent-ffmpeg exposes the child only as an untyped field.
    proc = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
    if (proc) {
      live.add(proc);
      if (proc.pid !== undefined) opts.onPid?.(proc.pid);
      proc.once('exit', (code, signal) => {
        live.delete(proc!);
        clearTimeout(killTimer);
        procExit = { code, signal };
        finish();
        setTimeout(() => {
          reported = true;
          finish();
        }, 250).unref();
      });
    }
    opts.onStart?.(commandLine);
    if (stopped) kill();
  });
  cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
    stderrTail = withoutProgress(stderr ?? '').trim().split('\n').slice(-5).join('\n') || err.message;
    reported = true;
    // No process at all: spawn failed or the capability check refused the command.
    if (!proc) settle({ code: null, signal: null, stderr: stderrTail, stopped });
    else finish();
  });
  cmd.on('end', () => {
    reported = true;
    if (!proc) settle({ code: 0, signal: null, stderr: '', stopped });
    else finish();
  });
  cmd.pipe(output, { end: true });
  return {
    output,
    exited,
    stop: () => {
      if (stopped) return;
      stopped = true;
      kill();
    },
  };
}

/**
 * One ffmpeg spawned directly (for pipelines fluent-ffmpeg does not build: several processes
 * whose pipes the caller joins), under the same rules as startFfmpeg: counted while alive,
 * stop() is SIGTERM then SIGKILL, the tail of stderr kept for the error message.
 */
export interface SpawnedFfmpeg {
  child: ChildProcess;
  exited: Promise<FfmpegExit>;
  stop(): void;
}

export function spawnFfmpeg(opts: { ffmpegPath: string; args: string[]; graceMs?: number; stdin?: 'pipe' | 'ignore' }): SpawnedFfmpeg {
  const child = spawn(opts.ffmpegPath, opts.args, { stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'] });
  live.add(child);
  let stopped = false;
  let stderr = '';
  let killTimer: NodeJS.Timeout | undefined;
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000);
  });
  // A broken pipe on stdin (the next process ended first) is that process's error, reported there.
  child.stdin?.on('error', () => undefined);
  const exited = new Promise<FfmpegExit>((resolve) => {
    let spawnError: Error | undefined;
    const done = (code: number | null, signal: string | null): void => {
      live.delete(child);
      clearTimeout(killTimer);
      const tail = stderr.trim().split('\n').slice(-5).join('\n') || spawnError?.message || '';
      resolve({ code: spawnError ? null : code, signal, stderr: tail, stopped });
    };
    child.once('error', (err) => {
      spawnError = err;
      // Never started (no binary): no 'close' is owed.
      if (child.pid === undefined) done(null, null);
    });
    child.once('close', done);
  });
  return {
    child,
    exited,
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }, opts.graceMs ?? KILL_GRACE_MS);
      killTimer.unref();
    },
  };
}

/** Whether the binary runs at all; a clear message for the user when it does not. */
export function checkBinary(path: string, timeoutMs = 10_000): Promise<{ ok: true; version: string } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    execFile(path, ['-version'], { timeout: timeoutMs, maxBuffer: 256 * 1024, encoding: 'utf8' }, (err, stdout) => {
      if (!err) {
        resolve({ ok: true, version: stdout.split('\n')[0] ?? '' });
        return;
      }
      const code = (err as NodeJS.ErrnoException).code;
      resolve({ ok: false, message: code === 'ENOENT' ? `${path} was not found` : code === 'EACCES' ? `${path} is not executable` : `${path} -version failed: ${err.message}` });
    });
  });
}

/**
 * A fixed number of transcode slots. A request waits a little for one (a seek opens the new
 * request before the old ffmpeg has exited), then is refused: queueing longer would hold a player
 * that times out anyway, while a quick 503 lets it retry or fall back to the original stream.
 */
export class Slots {
  readonly max: number;
  #used = 0;
  #waiters: Array<() => void> = [];

  constructor(max: number) {
    this.max = Math.max(1, Math.floor(max));
  }

  get used(): number {
    return this.#used;
  }

  /** A release function, or undefined when no slot freed within waitMs (or signal aborted). */
  acquire(waitMs: number, signal?: AbortSignal): Promise<(() => void) | undefined> {
    const grant = (): (() => void) => {
      this.#used++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        this.#used--;
        this.#waiters.shift()?.();
      };
    };
    if (this.#used < this.max) return Promise.resolve(grant());
    if (waitMs <= 0 || signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const onFree = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onGiveUp);
        resolve(grant());
      };
      const onGiveUp = (): void => {
        clearTimeout(timer);
        this.#waiters = this.#waiters.filter((w) => w !== onFree);
        signal?.removeEventListener('abort', onGiveUp);
        resolve(undefined);
      };
      const timer = setTimeout(onGiveUp, waitMs);
      signal?.addEventListener('abort', onGiveUp, { once: true });
      this.#waiters.push(onFree);
    });
  }
}
