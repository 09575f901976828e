/**
 * A library that persists: torrents added through the API (a magnet, an uploaded .torrent, an
 * infohash) come back after `serve` is killed with SIGKILL, with the same stream URLs (tokens
 * included), DLNA object ids and add-on ids, and their URLs answer with the bytes. DELETE forgets
 * a torrent for good (and its files with ?deleteFiles=true); a corrupt library is set aside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { makeFixture, type TorrentFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { runCli, type CliProcess } from '../sim/cli-process.js';
import { startService } from '../sim/service.js';
import { until } from '../sim/wait.js';
import { closesAfter, type Own } from '../sim/cleanup.js';
import { ADDON_CATALOG_ID } from '../../src/adapters/addon-manifest.js';
import { storeLayout } from '../../src/core/store-layout.js';

const HOST = '127.170.0.1';
const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'item' || n === 'container' });

interface ListedTorrent {
  infoHash: string;
  name: string;
  ready: boolean;
  files: Array<{ index: number; url: string }>;
}

function tempDir(own: Own): string {
  return own(fs.mkdtempSync(path.join(os.tmpdir(), 'tl-library-')), (dir) => fs.rmSync(dir, { recursive: true, force: true }));
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, HOST, r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function listed(base: string): Promise<ListedTorrent[]> {
  return (await (await fetch(`${base}/api/torrents`)).json()) as ListedTorrent[];
}

async function browseRoot(base: string): Promise<string[]> {
  const body =
    `<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${CD}">` +
    `<ObjectID>0</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`;
  const res = await fetch(`${base}/dlna/control/ContentDirectory`, { method: 'POST', headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` }, body });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const result = xml.parse(text)['s:Envelope']['s:Body']['u:BrowseResponse'].Result as string;
  const didl = xml.parse(result)['DIDL-Lite'] as { container?: Array<{ '@id': string }> };
  return (didl.container ?? []).map((c) => c['@id']);
}

async function addonIds(base: string): Promise<string[]> {
  const res = await fetch(`${base}/addon/catalog/movie/${ADDON_CATALOG_ID}.json`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { metas: Array<{ id: string }> }).metas.map((m) => m.id).sort();
}

async function bytesOf(url: string): Promise<Buffer> {
  const res = await fetch(url);
  assert.equal(res.status, 200, `${url}: ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

function startServe(own: Own, cwd: string, port: number, bootstrap: string[]): CliProcess {
  return own(runCli(['serve', '--json', '--store', 'store', '--host', HOST, '--port', String(port), '--dht-bootstrap', bootstrap.join(','), '--bind', HOST, '--interface', '127.0.0.1'], cwd));
}

async function everyFileServed(base: string, fixtures: TorrentFixture[]): Promise<ListedTorrent[]> {
  await until('every torrent has its metadata', async () => (await listed(base)).every((t) => t.ready), 60_000, 200);
  const torrents = await listed(base);
  for (const fx of fixtures) {
    const t = torrents.find((x) => x.infoHash === fx.infoHash)!;
    for (const f of t.files) assert.ok((await bytesOf(f.url)).equals(fx.files[f.index]!.bytes), `${fx.name} file ${f.index} byte-exact from ${f.url}`);
  }
  return torrents;
}

test('three torrents added through the API survive kill -9 of serve: same URLs with bytes, same DLNA and add-on ids', async (t) => {
  const own = closesAfter(t);
  const fixtures = [
    await makeFixture({ name: 'First Show', files: [{ name: 'e1.mp4', length: 300_000 }, { name: 'e2.mp4', length: 200_000 }], seed: 1701 }),
    await makeFixture({ name: 'movie.mp4', files: [{ name: 'movie.mp4', length: 400_000 }], seed: 1702 }),
    await makeFixture({ name: 'song.mp3', files: [{ name: 'song.mp3', length: 90_000 }], seed: 1703 }),
  ];
  const world = own(await startWorld({ fixtures, dhtSize: 30, addressBlock: 170, seederBlock: 171 }));
  const cwd = tempDir(own);
  const port = await freePort();
  const base = `http://${HOST}:${port}`;

  const first = startServe(own, cwd, port, world.dht.bootstrap);
  await first.waitFor((e) => e['event'] === 'ready');
  const bodies = [{ source: fixtures[0]!.magnet }, { torrent: fixtures[1]!.torrentFile.toString('base64') }, { source: fixtures[2]!.infoHash }];
  for (const body of bodies) {
    const res = await fetch(`${base}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal(res.status, 201, await res.text());
  }
  const before = await everyFileServed(base, fixtures);
  const dlnaBefore = await browseRoot(base);
  const addonBefore = await addonIds(base);
  assert.deepEqual(dlnaBefore, fixtures.map((fx) => `t:${fx.infoHash}`), 'DLNA lists the three, in the order added');
  assert.equal(addonBefore.length, 3, 'the three videos are in the add-on catalog');

  first.child.kill('SIGKILL');
  assert.equal(await first.exit, 128, 'killed, not closed');

  const second = startServe(own, cwd, port, world.dht.bootstrap);
  await second.waitFor((e) => e['event'] === 'ready');
  const afterList = await listed(base);
  assert.deepEqual(afterList.map((x) => x.infoHash), fixtures.map((fx) => fx.infoHash), 'listed at once, in the order added');
  const after = await everyFileServed(base, fixtures);
  assert.deepEqual(after.map((x) => ({ infoHash: x.infoHash, name: x.name, urls: x.files.map((f) => f.url) })), before.map((x) => ({ infoHash: x.infoHash, name: x.name, urls: x.files.map((f) => f.url) })), 'the same URLs, stream tokens included');
  for (const tor of before) for (const f of tor.files) assert.match(f.url, /\?st=[0-9a-f]{32}$/);
  assert.deepEqual(await browseRoot(base), dlnaBefore, 'the same DLNA object ids');
  assert.deepEqual(await addonIds(base), addonBefore, 'the same add-on ids');
  assert.ok(!second.events().some((e) => e['event'] === 'warning' && /library/.test(String(e['message']))), 'no library warning after a kill -9');

  // DELETE forgets one for good: out of the library, its .torrent gone, its data gone on request.
  const store = storeLayout(path.join(cwd, 'store'));
  const gone = fixtures[0]!;
  const keptTorrent = path.join(store.metadataDir, `${fixtures[1]!.infoHash}.torrent`);
  assert.ok(fs.existsSync(path.join(store.metadataDir, `${gone.infoHash}.torrent`)));
  assert.ok(fs.existsSync(path.join(store.downloadsDir, 'First Show', 'e1.mp4')));
  const del = await fetch(`${base}/api/torrents/${gone.infoHash}?deleteFiles=true`, { method: 'DELETE' });
  assert.equal(del.status, 204);
  assert.equal(fs.existsSync(path.join(store.metadataDir, `${gone.infoHash}.torrent`)), false, 'its .torrent is deleted');
  assert.equal(fs.existsSync(path.join(store.downloadsDir, 'First Show')), false, 'its data is deleted');
  assert.ok(fs.existsSync(keptTorrent), "another torrent's .torrent stays");
  assert.ok(fs.existsSync(path.join(store.downloadsDir, 'movie.mp4')), "another torrent's data stays");
  const keepFiles = await fetch(`${base}/api/torrents/${fixtures[2]!.infoHash}`, { method: 'DELETE' });
  assert.equal(keepFiles.status, 204);
  assert.ok(fs.existsSync(path.join(store.downloadsDir, 'song.mp3')), 'without deleteFiles the data stays');
  const bad = await fetch(`${base}/api/torrents/${fixtures[1]!.infoHash}?deleteFiles=yes`, { method: 'DELETE' });
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { error: { code: string } }).error.code, 'E_BAD_ARGUMENT');
  assert.equal(await second.close(), 0);

  const third = startServe(own, cwd, port, world.dht.bootstrap);
  await third.waitFor((e) => e['event'] === 'ready');
  assert.deepEqual((await listed(base)).map((x) => x.infoHash), [fixtures[1]!.infoHash], 'the deleted torrents stay deleted');
  assert.equal(await third.close(), 0);
});

test('a corrupt library is reported with a warning, set aside, and the service starts with no torrents', async (t) => {
  const own = closesAfter(t);
  const storeDir = tempDir(own);
  const store = storeLayout(storeDir);
  fs.mkdirSync(store.stateDir, { recursive: true });
  const junk = '{"version":1,"torrents":[{"infoHash":"0123';
  fs.writeFileSync(store.libraryFile, junk);
  const svc = own(await startService({ bootstrap: [], storeDir, host: HOST }), (s) => s.close({ keepStore: true }));
  const warning = svc.events.find((e) => e.event === 'warning' && /library/.test(e.message));
  assert.ok(warning && warning.event === 'warning', 'a warning says so');
  assert.equal(warning.code, 'E_STORE');
  assert.match(warning.message, /unusable \(not JSON/);
  const aside = fs.readdirSync(store.stateDir).filter((n) => n.startsWith('library.json.corrupt-'));
  assert.equal(aside.length, 1, 'set aside beside it');
  assert.equal(fs.readFileSync(path.join(store.stateDir, aside[0]!), 'utf8'), junk, 'kept as it was');
  assert.ok(warning.message.includes(aside[0]!), 'the warning names where it went');
  assert.deepEqual(await listed(svc.baseUrl), []);
});

test('a torrent given on the command line is in the library too: `serve` on that store brings it back', async (t) => {
  const own = closesAfter(t);
  const cwd = tempDir(own);
  const port = await freePort();
  const infoHash = 'c9e15763f722f23e98a29decdfae341b98d53056';
  const common = ['--json', '--store', 'store', '--host', HOST, '--port', String(port), '--dht-bootstrap', '127.170.200.9:9', '--bind', HOST, '--interface', '127.0.0.1'];
  const streaming = own(runCli([infoHash, ...common], cwd));
  await streaming.waitFor((e) => e['event'] === 'ready');
  await until('the CLI source is recorded', () => fs.existsSync(storeLayout(path.join(cwd, 'store')).libraryFile) && fs.readFileSync(storeLayout(path.join(cwd, 'store')).libraryFile, 'utf8').includes(infoHash));
  assert.equal(await streaming.close(), 0);
  const serving = own(runCli(['serve', ...common], cwd));
  await serving.waitFor((e) => e['event'] === 'ready');
  assert.deepEqual((await listed(`http://${HOST}:${port}`)).map((x) => x.infoHash), [infoHash]);
  assert.equal(await serving.close(), 0);
});
