/**
 * A real DLNA renderer (gmediarender) for tests. libupnp refuses loopback, so the renderer runs in
 * network namespace `tlcast<index>` and the control side in `tlcast<index+100>`, joined by a veth
 * pair on 10.231.<index>.0/24 (renderer .2, control .1). Two namespaces, not one, so SSDP answers
 * come from the renderer's own address, as on a real LAN.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { requireTool } from './require-tool.js';

const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface ExecResult { code: number | null; stdout: string; stderr: string }

export interface RendererNamespace {
  ns: string;
  controlNs: string;
  rendererAddress: string;
  controlAddress: string;
  rendererName: string;
  rendererUdn: string;
  /** Runs `node --import tsx <script> ...args` inside the control namespace. */
  exec(script: string, args?: string[], opts?: { timeoutMs?: number }): Promise<ExecResult>;
  /** Spawns `node --import tsx <script> ...args` inside the control namespace and returns the child. */
  spawn(script: string, args?: string[]): ChildProcess;
  close(): Promise<void>;
}

function ip(args: string[]): { ok: boolean; err: string } {
  const r = spawnSync('ip', args, { encoding: 'utf8', timeout: 10_000 });
  return { ok: r.status === 0, err: (r.stderr || r.error?.message || '').trim() };
}

function must(args: string[]): void {
  const r = ip(args);
  if (!r.ok) throw new Error(`cannot set up the renderer network namespace: "ip ${args.join(' ')}" failed: ${r.err} (needs root and iproute2)`);
}

export async function startRendererNamespace(opts: { index: number; name?: string; readyTimeoutMs?: number }): Promise<RendererNamespace> {
  const { index } = opts;
  if (!Number.isInteger(index) || index < 1 || index > 99) throw new Error(`namespace index must be 1..99, got ${index}`);
  const ns = `tlcast${index}`;
  const controlNs = `tlcast${index + 100}`;
  const vethControl = `tlc${index}a`;
  const vethRenderer = `tlc${index}b`;
  const controlAddress = `10.231.${index}.1`;
  const rendererAddress = `10.231.${index}.2`;
  const rendererName = opts.name ?? 'TL Test TV';
  const rendererUuid = randomUUID();
  requireTool('gmediarender');
  requireTool('ip');

  // Leftovers of a crashed run would make `ip netns add` fail.
  ip(['netns', 'del', ns]);
  ip(['netns', 'del', controlNs]);
  let renderer: ChildProcess | undefined;
  const children = new Set<ChildProcess>();
  const teardown = async (): Promise<void> => {
    for (const child of [...children, ...(renderer ? [renderer] : [])]) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    }
    ip(['netns', 'del', ns]);
    ip(['netns', 'del', controlNs]);
  };
  try {
    must(['netns', 'add', ns]);
    must(['netns', 'add', controlNs]);
    for (const n of [ns, controlNs]) {
      // No IPv6: its duplicate-address detection delays libupnp's bind by seconds.
      must(['netns', 'exec', n, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1']);
      must(['netns', 'exec', n, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1']);
      must(['-n', n, 'link', 'set', 'lo', 'up']);
    }
    must(['link', 'add', vethControl, 'netns', controlNs, 'type', 'veth', 'peer', 'name', vethRenderer, 'netns', ns]);
    must(['-n', controlNs, 'addr', 'add', `${controlAddress}/24`, 'dev', vethControl]);
    must(['-n', ns, 'addr', 'add', `${rendererAddress}/24`, 'dev', vethRenderer]);
    must(['-n', controlNs, 'link', 'set', vethControl, 'up']);
    must(['-n', ns, 'link', 'set', vethRenderer, 'up']);
    must(['-n', controlNs, 'route', 'add', '239.0.0.0/8', 'dev', vethControl]);
    must(['-n', ns, 'route', 'add', '239.0.0.0/8', 'dev', vethRenderer]);

    // fakesink with sync=true plays in real time (the default sync=false races through the file).
    renderer = spawn('ip', ['netns', 'exec', ns, 'gmediarender', `--interface-name=${vethRenderer}`, '-f', rendererName, '-u', rendererUuid,
      '--gstout-videopipe=fakesink sync=true', '--gstout-audiopipe=fakesink sync=true', '--logfile=stdout'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const started = renderer;
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gmediarender did not become ready within ${opts.readyTimeoutMs ?? 15000} ms; its log ends: ${log.slice(-600)}`)), opts.readyTimeoutMs ?? 15000);
      const onData = (chunk: Buffer): void => {
        log = (log + chunk.toString()).slice(-20000);
        if (log.includes('Ready for rendering')) {
          clearTimeout(timer);
          resolve();
        }
      };
      started.stdout?.on('data', onData);
      started.stderr?.on('data', onData);
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`gmediarender exited (${code}) before it was ready; its log ends: ${log.slice(-600)}`));
      });
    });
    started.stdout?.resume();
    started.stderr?.resume();
  } catch (err) {
    await teardown();
    throw err;
  }

  const spawnScript = (script: string, args: string[] = []): ChildProcess => {
    // A script that runs node:test itself must report in TAP, not in the protocol of a parent `node --test`.
    const { NODE_TEST_CONTEXT: _parentRunner, ...env } = process.env;
    const child = spawn('ip', ['netns', 'exec', controlNs, process.execPath, '--import', 'tsx', script, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.add(child);
    child.once('exit', () => children.delete(child));
    return child;
  };

  return {
    ns,
    controlNs,
    rendererAddress,
    controlAddress,
    rendererName,
    rendererUdn: `uuid:${rendererUuid}`,
    spawn: spawnScript,
    exec: (script, args = [], execOpts = {}) =>
      new Promise<ExecResult>((resolve) => {
        const child = spawnScript(script, args);
        let stdout = '';
        let stderr = '';
        child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
        const timer = setTimeout(() => {
          stderr += `\n[killed after ${execOpts.timeoutMs ?? 60000} ms]`;
          child.kill('SIGKILL');
        }, execOpts.timeoutMs ?? 60000);
        child.once('exit', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr });
        });
      }),
    close: teardown,
  };
}

/** A short H.264/AAC mp4 (ffmpeg lavfi test pattern + sine), written to `file`. */
export function makeTestVideo(file: string, seconds = 20): void {
  requireTool('ffmpeg');
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-f', 'lavfi', '-i', 'sine=frequency=440', '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-movflags', '+faststart', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`ffmpeg could not make the test video: ${r.stderr || r.error?.message}`);
}
