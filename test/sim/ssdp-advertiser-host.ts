/**
 * The media server's SSDP advertiser as its own process (run inside a network namespace): prints
 * `ready` once it listens, and stays until stdin closes or it is killed.
 *   node --import tsx ssdp-advertiser-host.ts <interfaceAddress> <ssdpPort>
 */
import { startSsdpAdvertiser } from '../../src/adapters/ssdp-advertiser.js';

async function main(): Promise<void> {
  const [interfaceAddress = '', port = '1900'] = process.argv.slice(2);
  const advertiser = await startSsdpAdvertiser({ interfaceAddress, httpPort: 8888, udn: 'uuid:11111111-2222-3333-4444-555555555555', ssdpPort: Number(port), random: () => 0 });
  process.stdout.write('ready\n');
  const stop = (): void => void advertiser.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
}

void main();
