/**
 * Time from start to a complete device list with one fake Chromecast (mDNS on loopback) and one
 * real gmediarender (SSDP over a veth pair), compared with mDNS-only, SSDP-only and a bare
 * node-ssdp client (first M-SEARCH answer, then a plain description GET).
 * Run: npx tsx bench/discovery.ts [trials]   (needs root for the network namespaces)
 * The bench re-runs itself inside the control namespace (`--inside`), where both devices are reachable.
 */
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import nodeSsdp from 'node-ssdp';
import { startDiscovery, type DeviceInfo } from '@torrent-live/casting';
import { startFakeChromecast, startRendererNamespace } from '@torrent-live/casting/testing';

const MDNS = { interface: '127.0.0.1', bind: '0.0.0.0' };
const MEDIA_RENDERER = 'urn:schemas-upnp-org:device:MediaRenderer:1';

async function timeOurs(opts: { chromecast: boolean; dlna: boolean; controlAddress: string }, done: (list: DeviceInfo[]) => boolean): Promise<number> {
  const t0 = performance.now();
  const discovery = await startDiscovery({ chromecast: opts.chromecast, dlna: opts.dlna, interfaceAddress: opts.controlAddress, mdnsSocket: MDNS, searchIntervalMs: 1000 });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`incomplete after 10 s: ${JSON.stringify(discovery.devices().map((d) => d.name))}`)), 10_000);
      const check = (list: DeviceInfo[]): void => {
        if (done(list)) {
          clearTimeout(timer);
          off();
          resolve();
        }
      };
      const off = discovery.onChange(check);
      check(discovery.devices());
    });
    return performance.now() - t0;
  } finally {
    await discovery.close();
  }
}

async function timeBareNodeSsdp(): Promise<{ answerMs: number; describedMs: number }> {
  const t0 = performance.now();
  const client = new nodeSsdp.Client({ explicitSocketBind: true });
  try {
    const location = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('node-ssdp: no answer in 10 s')), 10_000);
      client.on('response', (headers) => {
        if (headers.ST === MEDIA_RENDERER && headers.LOCATION) {
          clearTimeout(timer);
          resolve(headers.LOCATION);
        }
      });
      void client.search(MEDIA_RENDERER);
    });
    const answerMs = performance.now() - t0;
    await new Promise<void>((resolve, reject) => http.get(location, { agent: false }, (res) => res.resume().on('end', resolve)).on('error', reject));
    return { answerMs, describedMs: performance.now() - t0 };
  } finally {
    client.stop();
  }
}

function stats(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(0).padStart(5)} ms   min ${sorted[0]!.toFixed(0).padStart(5)}   max ${sorted[sorted.length - 1]!.toFixed(0).padStart(5)}`;
}

async function inside(controlAddress: string, rendererName: string, trials: number): Promise<void> {
  const fake = await startFakeChromecast({ host: '127.40.0.8', name: 'Bench Cast' });
  const hasCast = (l: DeviceInfo[]): boolean => l.some((d) => d.kind === 'chromecast' && d.name === 'Bench Cast');
  const hasTv = (l: DeviceInfo[]): boolean => l.some((d) => d.kind === 'dlna' && d.name === rendererName);
  const rows: Record<string, number[]> = { 'ours, both kinds (complete list)': [], 'ours, mDNS only (Chromecast)': [], 'ours, SSDP only (renderer described)': [], 'bare node-ssdp: first answer': [], 'bare node-ssdp: answer + description GET': [] };
  try {
    for (let i = 0; i < trials; i++) {
      rows['ours, both kinds (complete list)']!.push(await timeOurs({ chromecast: true, dlna: true, controlAddress }, (l) => hasCast(l) && hasTv(l)));
      rows['ours, mDNS only (Chromecast)']!.push(await timeOurs({ chromecast: true, dlna: false, controlAddress }, hasCast));
      rows['ours, SSDP only (renderer described)']!.push(await timeOurs({ chromecast: false, dlna: true, controlAddress }, hasTv));
      const bare = await timeBareNodeSsdp();
      rows['bare node-ssdp: first answer']!.push(bare.answerMs);
      rows['bare node-ssdp: answer + description GET']!.push(bare.describedMs);
    }
  } finally {
    await fake.close();
  }
  console.log(`discovery bench: ${trials} trials, 1 fake Chromecast (mDNS, loopback) + 1 gmediarender (SSDP, veth), M-SEARCH MX=1`);
  for (const [name, samples] of Object.entries(rows)) console.log(`  ${name.padEnd(42)} ${stats(samples)}`);
}

const args = process.argv.slice(2);
if (args[0] === '--inside') {
  await inside(args[1]!, args[2]!, Number(args[3] ?? 5));
} else {
  const trials = Number(args[0] ?? 5);
  const net = await startRendererNamespace({ index: 5, name: 'Bench TV' });
  try {
    const self = fileURLToPath(import.meta.url);
    const child = net.spawn(self, ['--inside', net.controlAddress, net.rendererName, String(trials)]);
    child.stdout?.pipe(process.stdout);
    child.stderr?.pipe(process.stderr);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) process.exitCode = 1;
  } finally {
    await net.close();
  }
}
