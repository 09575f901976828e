/**
 * The route tests' network: two namespaces of our own, joined by one veth pair.
 *   tlpx-p (the product): lo, tlpxp0 10.200.1.2/24 (+ 10.200.2.2/24, the "other address" a VPN
 *     user has besides the tunnel's), default route via the world: a direct packet would arrive.
 *   tlpx-w (the world): tlpxw0 10.200.1.1/24 + 10.200.2.1/24; 10.200.100.0/23 local on lo (DHT
 *     nodes, seeders); danted on 10.200.1.1:1080.
 * An nftables table in tlpx-p counts every packet the product's namespace sends off lo that the
 * test does not allow: the leak counter. IPv6 is off in both so the kernel's own IPv6 chatter
 * (router solicitations) is not counted as ours.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findExecutable } from './require-tool.js';

export const PRODUCT_NS = 'tlpx-p';
export const WORLD_NS = 'tlpx-w';
export const PROXY_IP = '10.200.1.1';
export const PRODUCT_IP = '10.200.1.2';
export const OTHER_IP = '10.200.2.2';
export const PROXY_PORT = 1080;

const sbin = [process.env['PATH'] ?? '', '/usr/sbin', '/sbin'].join(path.delimiter);

export function requireNetnsTools(): { danted: string } {
  if (process.getuid?.() !== 0) throw new Error('the route tests make network namespaces, which needs root: run the tests as root (CI does)');
  for (const [tool, pkg] of [['ip', 'iproute2'], ['nft', 'nftables'], ['danted', 'dante-server']] as const) {
    if (!findExecutable(tool, sbin)) throw new Error(`${tool} is not installed; the route tests need it. Install it with: sudo apt-get install -y ${pkg} (or run: npm run setup)`);
  }
  return { danted: findExecutable('danted', sbin)! };
}

function run(args: string[], ns?: string): string {
  const argv = ns ? ['netns', 'exec', ns, ...args] : args;
  const [cmd, rest] = ns ? ['ip', argv] : [args[0]!, args.slice(1)];
  return execFileSync(findExecutable(cmd, sbin) ?? cmd, rest, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

export function teardownNetns(): void {
  for (const ns of [PRODUCT_NS, WORLD_NS]) {
    try {
      run(['ip', 'netns', 'del', ns]);
    } catch {
      // Absent: nothing to remove.
    }
  }
}

/** `leak`: what the counter counts, as an nft match (e.g. `ip daddr != 10.200.1.1`). */
export function setupNetns(opts: { leak: string; defaultVia: string }): void {
  teardownNetns();
  run(['ip', 'netns', 'add', PRODUCT_NS]);
  run(['ip', 'netns', 'add', WORLD_NS]);
  for (const ns of [PRODUCT_NS, WORLD_NS]) {
    run(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1'], ns);
    run(['sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1'], ns);
    run(['ip', 'link', 'set', 'lo', 'up'], ns);
  }
  run(['ip', 'link', 'add', 'tlpxp0', 'type', 'veth', 'peer', 'name', 'tlpxw0', 'netns', WORLD_NS], PRODUCT_NS);
  run(['ip', 'addr', 'add', `${PRODUCT_IP}/24`, 'dev', 'tlpxp0'], PRODUCT_NS);
  run(['ip', 'addr', 'add', `${OTHER_IP}/24`, 'dev', 'tlpxp0'], PRODUCT_NS);
  run(['ip', 'link', 'set', 'tlpxp0', 'up'], PRODUCT_NS);
  run(['ip', 'route', 'add', 'default', 'via', opts.defaultVia], PRODUCT_NS);
  run(['ip', 'addr', 'add', `${PROXY_IP}/24`, 'dev', 'tlpxw0'], WORLD_NS);
  run(['ip', 'addr', 'add', '10.200.2.1/24', 'dev', 'tlpxw0'], WORLD_NS);
  run(['ip', 'link', 'set', 'tlpxw0', 'up'], WORLD_NS);
  run(['ip', 'route', 'add', 'local', '10.200.100.0/23', 'dev', 'lo'], WORLD_NS);
  const rules = `table inet tlpx_leak {
  counter leak {}
  counter proxyudp {}
  chain out {
    type filter hook output priority 0; policy accept;
    oifname "lo" accept
    ip daddr ${PROXY_IP} meta l4proto udp counter name proxyudp
    ${opts.leak} counter name leak
  }
}
`;
  const file = path.join(os.tmpdir(), `tlpx-nft-${process.pid}.nft`);
  fs.writeFileSync(file, rules);
  try {
    run(['nft', '-f', file], PRODUCT_NS);
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/** Packets the leak counter (or `proxyudp`: UDP to the proxy) has seen since the table was made. */
export function leakedPackets(counter: 'leak' | 'proxyudp' = 'leak'): number {
  const out = run(['nft', 'list', 'counter', 'inet', 'tlpx_leak', counter], PRODUCT_NS);
  const m = /packets (\d+)/.exec(out);
  if (!m) throw new Error(`cannot read the leak counter: ${out}`);
  return Number(m[1]);
}

export function productAddress(action: 'add' | 'del', cidr: string): void {
  run(['ip', 'addr', action, cidr, 'dev', 'tlpxp0'], PRODUCT_NS);
}

/** danted in the world namespace; kill() stops it at once (SIGKILL: no goodbye to the clients). */
export function startDante(danted: string, dir: string, auth?: { method: 'username' }): { process: ChildProcess; kill(): Promise<void>; log(): string } {
  const conf = path.join(dir, 'danted.conf');
  fs.writeFileSync(
    conf,
    `logoutput: stderr
internal: ${PROXY_IP} port = ${PROXY_PORT}
external: ${PROXY_IP}
clientmethod: none
socksmethod: ${auth ? 'username' : 'none'}
user.privileged: root
user.unprivileged: nobody
client pass { from: 0.0.0.0/0 to: 0.0.0.0/0 }
socks pass { from: 0.0.0.0/0 to: 0.0.0.0/0 command: connect udpassociate udpreply }
`,
  );
  const child = spawn('ip', ['netns', 'exec', WORLD_NS, danted, '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d) => (log = (log + String(d)).slice(-8000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    log: () => log,
    kill: async () => {
      // danted forks workers that hold the clients' connections: every danted in our namespace goes.
      for (const pid of run(['ip', 'netns', 'pids', WORLD_NS]).split(/\s+/).filter(Boolean)) {
        let comm = '';
        try {
          comm = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
        } catch {
          continue;
        }
        if (comm === 'danted') process.kill(Number(pid), 'SIGKILL');
      }
      await exited;
    },
  };
}

/** Waits until something in the world namespace listens on host:port (dante forks before it listens). */
export async function waitListening(ns: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (run(['ss', '-ltn', `sport = :${port}`], ns).includes(`:${port}`)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on port ${port} in ${ns}`);
}

/** The swarm (test/sim/route-world.ts) as a process inside the world namespace. */
export async function startWorld(nodeArgs: readonly string[], megabytes: number, seederBytesPerSec: number): Promise<{ bootstrap: string[]; infoHash: string; magnet: string; length: number; close(): Promise<void> }> {
  const child = spawn('ip', ['netns', 'exec', WORLD_NS, process.execPath, ...nodeArgs, String(megabytes), '7', String(seederBytesPerSec)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.once('exit', (code) => reject(new Error(`the route world exited (${code}): ${err.slice(-1500)}`)));
  });
  const info = JSON.parse(line) as { bootstrap: string[]; infoHash: string; magnet: string; length: number };
  return {
    ...info,
    close: async () => {
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(t);
    },
  };
}
