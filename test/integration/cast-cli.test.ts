/**
 * The CLI's TV and media-center modes as users run them: `devices` lists a Chromecast found over
 * mDNS, `cast <magnet> --device NAME` starts the torrent and the TV fetches the tokenised stream,
 * and `export-strm DIR` writes .strm files that play from the running service.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startFakeChromecast } from '@torrent-live/casting/testing';

import { ROOT, runCli } from '../sim/cli-process.js';
import { closesAfter } from '../sim/cleanup.js';
import { requireTool } from '../sim/require-tool.js';

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

test('devices lists the Chromecast; cast plays the torrent on it; export-strm writes playable .strm files', async (t) => {
  requireTool('ffprobe'); // the probe before the cast
  const own = closesAfter(t);
  const tv = own(await startFakeChromecast({ host: '127.40.0.21', name: 'CLI Test TV' }));
  const sample = fs.readFileSync(path.join(ROOT, 'assets/sample.mp4'));
  const fx = await makeFixture({ name: 'Cast Me', files: [{ name: 'cast-me.mp4', length: sample.length }, { name: 'extra.txt', length: 4 }], contents: [sample, Buffer.from('text')] });
  const world = own(await startWorld({ fixtures: [fx] }));
  const cwd = own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cast-cli-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
  const common = ['--interface', '127.0.0.1', '--store', 'store'];
  const port = await freePort();
  const cast = own(runCli(['cast', `magnet:?xt=urn:btih:${fx.infoHash}`, '--device', 'cli test tv', '--json', '--port', String(port), '--dht-bootstrap', world.dht.bootstrap.join(','), '--bind', '127.0.0.1', ...common], cwd));
  const devices = runCli(['devices', '--json', ...common], cwd);
  assert.equal(await devices.exit, 0, devices.err());
  const listed = devices.events().filter((e) => e['event'] === 'device');
  assert.ok(listed.some((d) => d['name'] === 'CLI Test TV' && d['kind'] === 'chromecast' && d['address'] === '127.40.0.21' && String(d['id']).endsWith(tv.id)), JSON.stringify(listed));

  await cast.until('the TV fetched the stream', () => tv.fetchedBytes() > 100_000);
  const load = tv.received.find((m) => m.data['type'] === 'LOAD');
  const media = load?.data['media'] as { contentId: string; contentType: string; metadata?: { title?: string } } | undefined;
  assert.ok(media, 'a LOAD reached the TV');
  assert.match(media.contentId, new RegExp(`^http://127\\.0\\.0\\.1:${port}/stream/${fx.infoHash}/\\d+\\?st=[0-9a-f]+$`), 'a loopback URL for a loopback TV, with a stream token, and no conversion for an H.264/AAC MP4');
  assert.equal(media.contentType, 'video/mp4');
  assert.equal(media.metadata?.title, 'cast-me.mp4');
  await cast.until('the cast event', () => cast.events().some((e) => e['event'] === 'cast' && e['state'] === 'playing'));
  assert.ok(cast.events().some((e) => e['event'] === 'transcode' && e['action'] === 'original'), 'the decision (original) is an event');

  const strmDir = path.join(cwd, 'library');
  const exported = runCli(['export-strm', strmDir, '--port', String(port), ...common], cwd);
  assert.equal(await exported.exit, 0, exported.err());
  const strm = fs.readdirSync(strmDir, { recursive: true }).map(String).filter((f) => f.endsWith('.strm'));
  assert.equal(strm.length, 1, `one video → one .strm (${strm.join(', ')})`);
  const url = fs.readFileSync(path.join(strmDir, strm[0]!), 'utf8').trim();
  assert.match(url, /\?st=/);
  const body = Buffer.from(await (await fetch(url)).arrayBuffer());
  assert.ok(body.equals(sample), '.strm URL plays the file byte-exact');
  assert.equal(await cast.close(), 0, cast.err());
});
