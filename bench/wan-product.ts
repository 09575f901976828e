/**
 * torrent-live as bench/wan.ts runs it: the service as the CLI builds it (private lookup,
 * freerider, HTTP), without TV discovery or SSDP, in its own process so its CPU and peak RSS are its own.
 * Prints the NDJSON events on stdout.
 *   node --import tsx bench/wan-product.ts STORE_DIR BIND_ADDR BOOTSTRAP(host:port,...) SOURCE
 */
import { buildConfig } from '../src/config.js';
import { EventBus } from '../src/events.js';
import { startService } from '../src/service/index.js';

const [storeDir, bind, bootstrap, source] = process.argv.slice(2);
if (!storeDir || !bind || !bootstrap || !source) throw new Error('usage: wan-product.ts STORE_DIR BIND_ADDR BOOTSTRAP SOURCE');
const bus = new EventBus();
bus.subscribe((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
const config = buildConfig({ storeDir, httpPort: 0, httpHost: bind, bindAddress: bind, dhtBootstrap: bootstrap.split(','), progressIntervalMs: 1_000 });
// No TVs, no SSDP advertising, no background probes: the engine and the HTTP stream only.
const service = await startService(config, { bus, tvs: false, mediaServer: { advertise: false, probeInBackground: false } });
bus.emit('ready', { url: service.localUrl });
await service.manager.add(source);
process.on('SIGINT', () => void service.close().then(() => process.exit(0)));
