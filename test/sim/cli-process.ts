/**
 * The real CLI as a child process, with its output and NDJSON events. It runs the TypeScript
 * sources through tsx (what a change under test is made in); the compiled bin that ships is
 * covered by test/integration/package.test.ts.
 */
import { execFileSync, spawn, type ChildProcessByStdio } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** `node` arguments that start the CLI from the sources, from any working directory. */
export const CLI_NODE_ARGS: readonly string[] = ['--openssl-legacy-provider', '--import', import.meta.resolve('tsx'), path.join(ROOT, 'src/cli/main.ts')];

export type CliEvent = Record<string, unknown>;

/**
 * `node` arguments that start the compiled CLI (build/, what `npm pack` ships and bin/torrent-live.js
 * runs), for tests that time the product from process start: tsx compiling the sources would add
 * about a second. RC4 (MSE) comes from OpenSSL's legacy provider, as the shipped command starts it.
 * Call buildCli() first so build/ holds the code under test.
 */
export const BUILT_CLI_NODE_ARGS: readonly string[] = ['--openssl-legacy-provider', path.join(ROOT, 'bin/torrent-live.js')];

/** Compiles the CLI into build/ (scripts/build.mjs, about half a second), so a built run tests the current sources. */
export function buildCli(): void {
  try {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new Error(`npm run build failed, so the compiled CLI cannot be tested: ${String((err as { stderr?: Buffer }).stderr ?? err).slice(0, 1500)}`);
  }
}

export interface CliProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  exit: Promise<number>;
  out(): string;
  err(): string;
  /** Every stdout line that parsed as JSON (the NDJSON events with --json). */
  events(): CliEvent[];
  /** Resolves with the first event matching, or rejects if the CLI exits first. */
  waitFor(pred: (e: CliEvent) => boolean): Promise<CliEvent>;
  /** Polls until check() holds; fails if the CLI exits first. */
  until(what: string, check: () => boolean): Promise<void>;
  /** Ctrl-C, then SIGKILL if it is still running after CLOSE_GRACE_MS; resolves with the exit code. */
  close(): Promise<number>;
}

/** How long a CLI gets to close its sockets and files after Ctrl-C before a test kills it. */
const CLOSE_GRACE_MS = 10_000;

/** `prefix`: a command the CLI runs under, e.g. ['ip', 'netns', 'exec', NAME] (it must exec, keeping the pid). */
export function runCli(args: string[], cwd: string, opts: { built?: boolean; prefix?: readonly string[] } = {}): CliProcess {
  const argv = [process.execPath, ...(opts.built ? BUILT_CLI_NODE_ARGS : CLI_NODE_ARGS), ...args];
  const [cmd, ...rest] = opts.prefix?.length ? [...opts.prefix, ...argv] : argv;
  const child = spawn(cmd!, rest, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exit = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  const events = (): CliEvent[] =>
    out.split('\n').flatMap((line) => {
      try {
        const e: unknown = JSON.parse(line);
        return typeof e === 'object' && e !== null ? [e as CliEvent] : [];
      } catch {
        return [];
      }
    });
  const until = async (what: string, check: () => boolean): Promise<void> => {
    while (!check()) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the CLI exited (${child.exitCode ?? child.signalCode}) before ${what}: ${err.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const waitFor = async (pred: (e: CliEvent) => boolean): Promise<CliEvent> => {
    let found: CliEvent | undefined;
    await until('the awaited event', () => (found = events().find(pred)) !== undefined);
    return found!;
  };
  const close = async (): Promise<number> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await exit;
      clearTimeout(timer);
    }
    return exit;
  };
  return { child, exit, out: () => out, err: () => err, events, waitFor, until, close };
}
