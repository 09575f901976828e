/**
 * The modes behind the CLI (src/cli/main.ts loads this only when a mode runs, so --help and
 * --version start fast). Sources are resolved before anything is created, so a bad source exits 2
 * having written nothing. Ctrl-C closes sockets and files and exits 0.
 */
import os from 'node:os';
import path from 'node:path';
import type { Command } from './args.js';
import { isTorrentLiveError, TorrentLiveError } from '../errors.js';
import { splitSourceList, resolveSource, type TorrentSource } from '../core/sources.js';
import { fileSourceReader } from '../core/torrent-file.js';
import { storeLayout } from '../core/store-layout.js';
import { startService, type Service } from '../service/index.js';
import { attachOutput } from './output.js';
import { startDemoWorld } from '../demo/demo-world.js';
import { buildConfig, type Config } from '../config.js';
import { printPairing } from './pairing.js';
import { lanAddresses } from '../server/auth-hosts.js';
import { isLoopbackAddress } from '../server/auth-rules.js';
import { runFindSpiesOnly } from './find-spies.js';
import { startTvDiscovery } from '../service/devices-part.js';
import { interfaceAddress, strmBaseUrls } from '../service/lan-address.js';
import { exportStrmFromService } from '../adapters/index.js';
import { externalIpv4, isCastError } from '@torrent-live/casting';
import { isVideoName } from '../core/torrent-manager.js';
import { httpBase } from '../server/http-base.js';

export async function resolveSources(list: string): Promise<TorrentSource[]> {
  const parts = splitSourceList(list, fileSourceReader.exists);
  const sources: TorrentSource[] = [];
  for (const p of parts) sources.push(await resolveSource(p, fileSourceReader));
  return sources;
}

/** Base URLs a phone on the LAN can open: every LAN address when bound to all, else the bind address. */
function phoneUrls(config: Readonly<Config>, port: number): string[] {
  const wildcard = config.httpHost === '0.0.0.0' || config.httpHost === '::';
  const hosts = wildcard ? lanAddresses() : isLoopbackAddress(config.httpHost) ? [] : [config.httpHost];
  return hosts.map((h) => httpBase(h, port));
}

/** After Ctrl-C/SIGTERM, how long a graceful close may take before the process exits anyway. */
export const SHUTDOWN_GRACE_MS = 2_500;

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // A peer, a TV or a stuck socket must not keep a stopped program alive: the user asked it to end.
      setTimeout(() => {
        process.stderr.write(`torrent-live: ${signal}: closing took over ${SHUTDOWN_GRACE_MS} ms; exiting without waiting\n`);
        process.exit(0);
      }, SHUTDOWN_GRACE_MS).unref();
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const DEVICES_WAIT_MS = 4_000;
export const CAST_DEVICE_WAIT_MS = 15_000;

async function runService(
  config: Readonly<Config>,
  sources: TorrentSource[],
  extra: { onClose?: () => Promise<void>; banner?: string; afterStart?: (service: Service) => Promise<void>; remember?: boolean } = {},
): Promise<void> {
  const service = await startService(config);
  const output = attachOutput({ bus: service.bus, manager: service.manager, json: config.json, baseUrl: service.localUrl, transcode: config.transcode });
  service.bus.emit('ready', { url: service.localUrl });
  // Said once the output listens (the start-up one went out before): the route in use, or why it is blocked.
  service.bus.emit('route', service.route.status());
  // A torrent restored complete said `done` while the service was starting, before this output listened.
  for (const s of service.manager.sessions()) if (s.status().done) service.bus.emit('done', { infoHash: s.infoHash });
  if (extra.banner) output.info(extra.banner);
  output.info(`torrent-live serving on ${service.localUrl}  (web remote: ${service.localUrl}/)`);
  await printPairing({ urls: phoneUrls(config, service.http.port), token: service.token, localUrl: `${service.localUrl}/`, rotated: config.newToken, qr: !config.json });
  for (const s of sources) service.manager.start(s, { remember: extra.remember ?? true });
  const stopped = untilSignal();
  try {
    await Promise.race([extra.afterStart?.(service), stopped]);
    await stopped;
  } finally {
    output.info('stopping…');
    output.close();
    await service.close();
    await extra.onClose?.();
  }
}

/** `devices`: listen a few seconds, then print every TV found (one NDJSON `device` event each with --json). */
async function runDevices(config: Readonly<Config>): Promise<void> {
  const discovery = await startTvDiscovery(config);
  try {
    await new Promise((r) => setTimeout(r, DEVICES_WAIT_MS));
    const found = discovery.devices();
    for (const d of found) {
      if (config.json) process.stdout.write(`${JSON.stringify({ event: 'device', time: new Date().toISOString(), id: d.id, name: d.name, kind: d.kind, address: d.address, ...(d.model ? { model: d.model } : {}) })}\n`);
      else process.stdout.write(`${d.kind.padEnd(10)} ${d.name}  id=${d.id}  ${d.address}:${d.port}${d.model ? `  (${d.model})` : ''}\n`);
    }
    if (!config.json && found.length === 0) process.stdout.write(`no TV answered within ${DEVICES_WAIT_MS / 1000} s on ${interfaceAddress(config) ?? 'the non-internal interfaces'}; choose another with --interface\n`);
  } finally {
    await discovery.close();
  }
}

/** The file a user most likely means: the largest video (else the largest file). */
export function mainFileIndex(files: ReadonlyArray<{ index: number; name: string; length: number }>): number {
  const videos = files.filter((f) => isVideoName(f.name));
  const pool = videos.length ? videos : files;
  return [...pool].sort((a, b) => b.length - a.length)[0]?.index ?? 0;
}

/** `cast <source> --device X`: serve as usual, then cast the main file through the same /api/cast the remote uses. */
async function castWhenReady(service: Service, infoHash: string, idOrName: string): Promise<void> {
  const session = service.manager.session(infoHash)!;
  await session.ready;
  const device = await service.discovery!.waitFor(idOrName, CAST_DEVICE_WAIT_MS);
  const res = await fetch(`${service.localUrl}/api/cast`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ deviceId: device.id, infoHash, fileIndex: mainFileIndex(session.files) }),
  });
  const reply = (await res.json()) as { error?: { code: string; message: string } };
  if (!res.ok) service.bus.emit('error', { message: `cast to ${device.name} failed: ${reply.error?.message ?? res.status}`, ...(reply.error ? { code: reply.error.code } : {}) });
}

/** Runs every mode but help and version, which main.ts answers itself. */
export async function run(command: Exclude<Command, { mode: 'help' } | { mode: 'version' }>): Promise<void> {
  switch (command.mode) {
    case 'stream': {
      const sources = await resolveSources(command.sources);
      return runService(command.config, sources);
    }
    case 'findspiesonly': {
      const sources = await resolveSources(command.sources);
      return runFindSpiesOnly(command.config, sources, { stdout: process.stdout, untilStopped: untilSignal() });
    }
    case 'serve':
      return runService(command.config, []);
    case 'devices':
      return runDevices(command.config);
    case 'cast': {
      const sources = await resolveSources(command.sources);
      if (sources.length !== 1) throw new TorrentLiveError('E_BAD_ARGUMENT', 'cast takes exactly one source');
      const device = command.device;
      return runService(command.config, sources, {
        afterStart: (service) =>
          castWhenReady(service, sources[0]!.infoHash, device).catch((err: unknown) => {
            service.bus.emit('error', { message: (err as Error).message, ...(isTorrentLiveError(err) ? { code: err.code } : isCastError(err) ? { code: err.code } : {}) });
          }),
      });
    }
    case 'export-strm': {
      const { serviceUrl, publicBaseUrl, warning } = strmBaseUrls({ host: command.config.httpHost, interfaceAddress: interfaceAddress(command.config), externals: externalIpv4(os.networkInterfaces()), port: command.config.httpPort });
      if (warning) {
        if (command.config.json) process.stdout.write(`${JSON.stringify({ event: 'warning', time: new Date().toISOString(), message: warning, code: 'W_STRM_ADDRESS' })}\n`);
        else process.stderr.write(`torrent-live: warning: ${warning}\n`);
      }
      // A service bound to one address does not answer on 127.0.0.1: strmBaseUrls reads it there.
      const written = await exportStrmFromService({
        serviceUrl,
        publicBaseUrl,
        stateDir: storeLayout(command.config.storeDir).stateDir,
        dir: command.dir,
      });
      for (const p of written) process.stdout.write(`${p}\n`);
      process.stdout.write(`${written.length} .strm file(s) written to ${path.resolve(command.dir)}\n`);
      return;
    }
    case 'demo': {
      const world = await startDemoWorld();
      // The demo swarm is on loopback, and so are its TV discovery and DLNA server unless --interface says otherwise.
      const config = buildConfig({ ...command.config, dhtBootstrap: world.bootstrap, bindAddress: '127.0.0.1', interface: command.config.interface ?? '127.0.0.1' });
      return runService(config, [world.source], {
        // The demo's swarm is gone when it stops: its torrent is not kept in the store's library.
        remember: false,
        banner: `demo: a loopback swarm of ${world.dhtSize} DHT nodes and ${world.seeders} seeders is sharing "${world.name}" (${world.infoHash})`,
        onClose: () => world.close(),
      });
    }
  }
}
