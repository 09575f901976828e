/**
 * One lookup client process for bench/lookup-shapes.ts: the real service around a private or a
 * plain lookup, started fresh, streaming byte 0 of each infohash given in turn. bench/lookup-shapes
 * bundles this file with esbuild and runs it with node, so both kinds start the same way the
 * compiled command does (no tsx), and each process's first lookup runs cold, as a user's does.
 * Prints one JSON line: ms from process start, and from the POST, to each first byte.
 *
 *   node lookup-client.mjs '{"kind":"private","bootstrap":[...],"host":"127.x.y.z","rttMs":0,"storeDir":"...","infoHashes":[...]}'
 */
import { startService } from '../test/sim/service.js';
import { lookupSource, timeFirstByte, type LookupKind } from './lookup-measure.js';

interface ClientArgs {
  kind: LookupKind;
  bootstrap: string[];
  host: string;
  rttMs: number;
  storeDir: string;
  infoHashes: string[];
}

const args = JSON.parse(process.argv[2] ?? '{}') as ClientArgs;
const source = lookupSource(args.kind, args);
if (process.env['LOOKUP_TRACE']) {
  const start = source.start.bind(source);
  source.start = (ih: string) => {
    const session = start(ih);
    session.on('peer', (p: { host: string; port: number }) => process.stderr.write(`H ${performance.now().toFixed(1)} ${ih.slice(0, 8)} ${p.host}:${p.port}\n`));
    return session;
  };
}
const svc = await startService({ bootstrap: args.bootstrap, peerSource: source, storeDir: args.storeDir });
if (process.env['LOOKUP_TRACE']) svc.bus.subscribe((e) => process.stderr.write(`E ${performance.now().toFixed(1)} ${JSON.stringify(e).slice(0, 200)}\n`));
const results: Array<{ fromStartMs: number; fromPostMs: number; connectedIps: string[] }> = [];
try {
  for (const infoHash of args.infoHashes) {
    if (process.env['LOOKUP_TRACE']) process.stderr.write(`POST ${performance.now().toFixed(1)} ${infoHash.slice(0, 8)}\n`);
    const { firstByteMs } = await timeFirstByte(svc, infoHash);
    results.push({
      // performance.now() counts from this process's start: the whole wait a user of the command has.
      fromStartMs: performance.now(),
      fromPostMs: firstByteMs,
      connectedIps: [...new Set(svc.events.flatMap((e) => (e.event === 'peer' && e.state === 'connected' && e.infoHash === infoHash ? [e.ip] : [])))],
    });
  }
  // Watched and removed, as a viewer does: the restart that follows starts one lookup, not three.
  for (const infoHash of args.infoHashes) await fetch(`${svc.baseUrl}/api/torrents/${infoHash}?deleteFiles=true`, { method: 'DELETE' });
} finally {
  await svc.close({ keepStore: true });
  await source.close();
}
process.stdout.write(`${JSON.stringify(results)}\n`);
process.exit(0);
