/**
 * Entry point: argv → command → mode. Sources are resolved before anything is created, so a bad
 * source exits 2 having written nothing. Ctrl-C closes sockets and files and exits 0.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseCommand, USAGE, type Command } from './args.js';
import { isTorrentLiveError, TorrentLiveError } from '../errors.js';
import { splitSourceList, resolveSource, type TorrentSource } from '../core/sources.js';
import { fileSourceReader } from '../core/torrent-file.js';
import { startService, type Service, type ServiceParts } from '../service.js';
import { attachOutput } from './output.js';
import { startDemoWorld } from '../demo/demo-world.js';
import { webRemoteRouter } from '../web/router.js';
import { buildConfig, type Config } from '../config.js';
import { printPairing } from './pairing.js';
import { lanAddresses } from '../server/auth-hosts.js';
import { isLoopbackAddress } from '../server/auth-rules.js';
import { runFindSpiesOnly } from './find-spies.js';
import { createTranscodeHandler } from '../transcode/transcode-route.js';

const require = createRequire(import.meta.url);

export async function resolveSources(list: string): Promise<TorrentSource[]> {
  const parts = splitSourceList(list, fileSourceReader.exists);
  const sources: TorrentSource[] = [];
  for (const p of parts) sources.push(await resolveSource(p, fileSourceReader));
  return sources;
}

function serviceParts(config: Readonly<Config>): ServiceParts {
  return {
    pageRouters: [webRemoteRouter()],
    transcode: (ctx) =>
      createTranscodeHandler({
        ...(config.ffmpegPath ? { ffmpegPath: config.ffmpegPath } : {}),
        onDecision: (r) => ctx.bus.emit('transcode', { infoHash: r.infoHash, fileIndex: r.fileIndex, device: r.device, startSeconds: r.startSeconds, action: r.decision.action, container: r.decision.container, video: r.decision.video, audio: r.decision.audio, reason: r.decision.reason }),
      })(ctx),
  };
}

/** Base URLs a phone on the LAN can open: every LAN address when bound to all, else the bind address. */
function phoneUrls(config: Readonly<Config>, port: number): string[] {
  const wildcard = config.httpHost === '0.0.0.0' || config.httpHost === '::';
  const hosts = wildcard ? lanAddresses() : isLoopbackAddress(config.httpHost) ? [] : [config.httpHost];
  return hosts.map((h) => `http://${h.includes(':') ? `[${h}]` : h}:${port}`);
}

function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function runService(config: Readonly<Config>, sources: TorrentSource[], extra: { onClose?: () => Promise<void>; banner?: string } = {}): Promise<void> {
  const service: Service = await startService(config, serviceParts(config));
  const output = attachOutput({ bus: service.bus, manager: service.manager, json: config.json, baseUrl: service.localUrl, transcode: config.transcode });
  service.bus.emit('ready', { url: service.localUrl });
  if (extra.banner) output.info(extra.banner);
  output.info(`torrent-live serving on ${service.localUrl}  (web remote: ${service.localUrl}/)`);
  await printPairing({ urls: phoneUrls(config, service.http.port), token: service.token, localUrl: `${service.localUrl}/`, rotated: config.newToken, qr: !config.json });
  for (const s of sources) service.manager.start(s);
  await untilSignal();
  output.info('stopping…');
  output.close();
  await service.close();
  await extra.onClose?.();
}

async function run(command: Command): Promise<void> {
  switch (command.mode) {
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    case 'version':
      process.stdout.write(`${(require('../../package.json') as { version: string }).version}\n`);
      return;
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
    case 'demo': {
      const world = await startDemoWorld();
      const config = buildConfig({ ...command.config, dhtBootstrap: world.bootstrap, bindAddress: '127.0.0.1' });
      return runService(config, [world.source], {
        banner: `demo: a loopback swarm of ${world.dhtSize} DHT nodes and ${world.seeders} seeders is sharing "${world.name}" (${world.infoHash})`,
        onClose: () => world.close(),
      });
    }
    default:
      throw new TorrentLiveError('E_BAD_ARGUMENT', `"${command.mode}" is not available in this build yet`);
  }
}

export async function main(argv: string[]): Promise<number> {
  try {
    await run(parseCommand(argv));
    return 0;
  } catch (err) {
    if (isTorrentLiveError(err)) {
      process.stderr.write(`torrent-live: ${err.code}: ${err.message}\n  ${err.hint}\n`);
      return err.exitCode;
    }
    process.stderr.write(`torrent-live: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && fs.realpathSync(process.argv[1]).endsWith('main.ts');
if (invokedDirectly || process.env['TORRENT_LIVE_BIN'] === '1') {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
