/**
 * torrent-live as bench/wan.ts runs it: the service exactly as the CLI builds it (private lookup,
 * freerider, HTTP), without TV discovery, in its own process so its CPU and peak RSS are its own.
 * Prints the NDJSON events on stdout.
 *   node --import tsx bench/wan-product.ts STORE_DIR BIND_ADDR BOOTSTRAP(host:port,...) SOURCE
 */
import { buildConfig } from '../src/config.js';
import { EventBus } from '../src/events.js';
import { startService } from '../src/service.js';

const [storeDir, bind, bootstrap, source] = process.argv.slice(2);
if (!storeDir || !bind || !bootstrap || !source) throw new Error('usage: wan-product.ts STORE_DIR BIND_ADDR BOOTSTRAP SOURCE');
const bus = new EventBus();
bus.subscribe((e) => process.stdout.write(`${JSON.stringify(e)}\n`));
const config = buildConfig({ storeDir, httpPort: 0, httpHost: bind, bindAddress: bind, dhtBootstrap: bootstrap.split(','), progressIntervalMs: 1_000 });
const service = await startService(config, { bus });
bus.emit('ready', { url: service.localUrl });
await service.manager.add(source);
process.on('SIGINT', () => void service.close().then(() => process.exit(0)));
