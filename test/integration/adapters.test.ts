/**
 * The media-center sources on the loopback world, driven as their clients drive them: a DLNA
 * control point (SSDP M-SEARCH, device description, SOAP Browse, play a res URL), an M3U-aware
 * server and a .strm library (through ffprobe), and a Stremio-style add-on client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { exportStrm, exportStrmFromService, startDlnaAdvertiser } from '../../src/adapters/index.js';
import { catalogResponseProblems, manifestProblems, metaResponseProblems, streamResponseProblems } from '../../src/adapters/addon-shapes.js';
import { parseSsdpMessage, type SsdpMessage } from '@torrent-live/casting';
import { parseCommand } from '../../src/cli/args.js';
import { startService } from '../sim/service.js';
import { PACKAGE_VERSION } from '../../src/version.js';
import { ffprobe, SERVICE_HOST, startAdapterWorld, type AdapterWorld } from './adapters-world.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';

const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';
const MEDIA_SERVER = 'urn:schemas-upnp-org:device:MediaServer:1';
const CLIENT_HOST = '127.60.0.9';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'item' || n === 'container' || n === 'service' });

let w: AdapterWorld;
const sampleIndex = (): number => w.fx.files.findIndex((f) => f.path.endsWith('sample.mp4'));
const hostileIndex = (): number => w.fx.files.findIndex((f) => f.path.includes('evil'));
const sampleFile = () => w.fx.files[sampleIndex()]!;
before(async () => {
  w = await startAdapterWorld();
});
after(async () => {
  await w?.close();
});

function browseEnvelope(objectId: string, flag: string, start: number, count: number, extra = ''): string {
  return (
    `<?xml version="1.0" encoding="utf-8"?>${extra}<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">` +
    `<s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${objectId}</ObjectID><BrowseFlag>${flag}</BrowseFlag><Filter>*</Filter>` +
    `<StartingIndex>${start}</StartingIndex><RequestedCount>${count}</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`
  );
}

async function soapBrowse(controlUrl: string, objectId: string, start = 0, count = 0, flag = 'BrowseDirectChildren') {
  const res = await fetch(controlUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` }, body: browseEnvelope(objectId, flag, start, count) });
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const r = xml.parse(text)['s:Envelope']['s:Body']['u:BrowseResponse'];
  // The Result is DIDL-Lite escaped inside SOAP: parse it a second time, as a control point does.
  const didl = xml.parse(r.Result)['DIDL-Lite'];
  return { didl, numberReturned: Number(r.NumberReturned), totalMatches: Number(r.TotalMatches), updateId: Number(r.UpdateID) };
}

/** fetch() will not send a forged Host header; node:http will. */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
  });
}

function mSearch(st: string, timeoutMs: number): Promise<SsdpMessage[]> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket('udp4');
    const found: SsdpMessage[] = [];
    socket.on('message', (data) => {
      const m = parseSsdpMessage(data.toString('latin1'));
      if (m) found.push(m);
    });
    socket.on('error', reject);
    socket.bind(0, CLIENT_HOST, () => {
      socket.setMulticastInterface(CLIENT_HOST);
      socket.send(`M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\nST: ${st}\r\n\r\n`, 1900, '239.255.255.250');
      setTimeout(() => socket.close(() => resolve(found)), timeoutMs);
    });
  });
}

function listenForNotify(): Promise<{ messages: SsdpMessage[]; close(): Promise<void> }> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    const messages: SsdpMessage[] = [];
    socket.on('message', (data) => {
      const m = parseSsdpMessage(data.toString('latin1'));
      if (m?.method === 'NOTIFY') messages.push(m);
    });
    socket.bind(1900, '239.255.255.250', () => {
      socket.addMembership('239.255.255.250', CLIENT_HOST);
      resolve({ messages, close: () => new Promise<void>((r) => socket.close(() => r())) });
    });
  });
}

test('a DLNA control point finds the server over SSDP, browses it over SOAP and plays a res URL byte-exact', async (t) => {
  const own = closesAfter(t);
  const notifications = own(await listenForNotify());
  let closed = false;
  const advertiser = own(await startDlnaAdvertiser({ interfaceAddress: SERVICE_HOST, httpPort: w.svc.http.port, stateDir: w.svc.store.stateDir }), (a) => (closed ? undefined : a.close()));
  const udn = fs.readFileSync(path.join(w.svc.store.stateDir, 'dlna-udn'), 'utf8').trim();
  const answers = (await mSearch(MEDIA_SERVER, 1600)).filter((m) => m.headers['usn']?.startsWith(udn));
  assert.equal(answers.length, 1, 'one answer for the MediaServer search');
  assert.equal(answers[0]!.headers['st'], MEDIA_SERVER);
  const all = (await mSearch('ssdp:all', 1600)).filter((m) => m.headers['usn']?.startsWith(udn));
  assert.deepEqual(all.map((m) => m.headers['st']), ['upnp:rootdevice'], 'ssdp:all: the root device only (one answer, not five: no amplifier)');
  const location = answers[0]!.headers['location']!;
  assert.equal(location, `http://${SERVICE_HOST}:${w.svc.http.port}/dlna/description.xml`);

  const descText = await (await fetch(location)).text();
  const device = xml.parse(descText).root.device;
  assert.equal(device.deviceType, MEDIA_SERVER);
  assert.equal(device.UDN, udn);
  assert.equal(device.modelNumber, PACKAGE_VERSION);
  assert.equal(device.friendlyName, `torrent-live (${os.hostname()}:${w.svc.http.port})`, 'the default name carries the HTTP port');
  const cdService = device.serviceList.service.find((s: Record<string, string>) => s.serviceType === CD);
  const scpd = xml.parse(await (await fetch(new URL(cdService.SCPDURL, location))).text()).scpd;
  assert.ok(scpd.actionList.action.some((a: { name: string }) => a.name === 'Browse'));
  const control = new URL(cdService.controlURL, location).href;

  // The background probe (3 s after metadata) gives the sample its real DLNA profile; list after
  // it, so the listing and the stream headers below are compared on the same knowledge.
  await until('the sample probed', async () => {
    const folderId = (await soapBrowse(control, '0')).didl.container[0]['@id'];
    const listed = (await soapBrowse(control, folderId)).didl.item.find((i: Record<string, unknown>) => i['dc:title'] === 'sample.mp4');
    return !Array.isArray(listed?.res) && /DLNA\.ORG_PN=/.test(listed?.res?.['@protocolInfo'] ?? '');
  }, 20_000, 250);
  const root = await soapBrowse(control, '0');
  assert.equal(root.totalMatches, 1);
  assert.equal(root.didl.container[0]['dc:title'], 'Movies');
  assert.equal(root.didl.container[0]['@childCount'], '2', 'two videos; the .txt is not listed');
  const folder = root.didl.container[0]['@id'];
  const page1 = await soapBrowse(control, folder, 0, 1);
  const page2 = await soapBrowse(control, folder, 1, 1);
  assert.deepEqual([page1.numberReturned, page1.totalMatches, page2.numberReturned, page2.totalMatches], [1, 2, 1, 2]);
  const items = [page1.didl.item[0], page2.didl.item[0]];
  // The core already replaced <>" in the name; what is left (&, ]], ') must arrive escaped once.
  const stored = w.fx.files[hostileIndex()]!.path.split('/').pop()!.replace(/[<>"]/g, '_');
  assert.deepEqual(items.map((i) => i['dc:title']).sort(), [stored, 'sample.mp4'].sort(), 'titles round-trip through SOAP and DIDL-Lite escaping');
  assert.ok(stored.includes('&') && stored.includes(']]') && stored.includes("'"), 'the hostile characters the core keeps are exercised');
  assert.equal(page1.updateId, w.svc.manager.updateId);
  // The sample (H.264 Main 640x360, AAC) has its real profile, and a plain DLNA TV plays it: one res.
  const res = items.find((i) => i['dc:title'] === 'sample.mp4').res;
  assert.match(res['@protocolInfo'], /^http-get:\*:video\/mp4:DLNA\.ORG_PN=AVC_MP4_MP_SD_AAC_MULT5;DLNA\.ORG_OP=01/);
  assert.equal(Number(res['@size']), sampleFile().length);
  const url: string = res['#text'];
  // The hostile file is no video ffprobe reads: no profile claimed, and a conversion offered after it.
  const hostileRes = items.find((i) => i['dc:title'] !== 'sample.mp4').res;
  assert.ok(Array.isArray(hostileRes) && hostileRes.length === 2, 'original and conversion');
  assert.match(hostileRes[1]['@protocolInfo'], /^http-get:\*:video\/mp4:DLNA\.ORG_OP=00;DLNA\.ORG_CI=1;/);
  // What the listing promises is what the stream says: MIME and the DLNA fourth field, PN included.
  for (const item of items) {
    assert.equal(item['upnp:class'], 'object.item.videoItem.movie', 'players file it as a video (Kodi filed a bare videoItem as audio)');
    for (const r of [item.res].flat() as Array<Record<string, string>>) {
      const [, , mime, features] = r['@protocolInfo']!.split(':');
      assert.equal(mime, 'video/mp4');
      const head = await fetch(r['#text']!, { method: 'HEAD', headers: { 'getcontentFeatures.dlna.org': '1' } });
      assert.equal(head.status, 200);
      assert.equal(head.headers.get('content-type'), mime, `${item['dc:title']}: Content-Type`);
      assert.equal(head.headers.get('contentfeatures.dlna.org'), features, `${item['dc:title']} ${r['#text']}: contentFeatures.dlna.org`);
      assert.equal(head.headers.get('transfermode.dlna.org'), 'Streaming');
    }
  }
  assert.match(url, /\?st=[0-9a-f]{32}$/);
  const noToken = await fetch(url.split('?')[0]!);
  assert.equal(noToken.status, 401, 'this client is not trusted: the bare URL is refused');
  await noToken.body?.cancel();
  const range = await fetch(url, { headers: { range: 'bytes=1000-200999' } });
  assert.equal(range.status, 206);
  assert.ok(Buffer.from(await range.arrayBuffer()).equals(sampleFile().bytes.subarray(1000, 201000)), 'res URL plays byte-exact');

  const hostile = await fetch(control, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: browseEnvelope('0', 'BrowseDirectChildren', 0, 0, '<!DOCTYPE x [<!ENTITY a "b">]>') });
  assert.equal(hostile.status, 400);
  assert.match(await hostile.text(), /DOCTYPE/);
  const search = await fetch(control, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: `"${CD}#Search"` }, body: browseEnvelope('0', 'x', 0, 0).replace(/u:Browse/g, 'u:Search') });
  assert.equal(search.status, 500);
  assert.match(await search.text(), /<errorCode>602<\/errorCode>/);
  assert.equal(await statusWithHost(location, 'evil.example:80'), 403, 'DNS rebinding: a foreign Host is refused');

  await advertiser.close();
  closed = true;
  await new Promise((r) => setTimeout(r, 200));
  const ours = notifications.messages.filter((m) => m.headers['usn']?.startsWith(udn));
  assert.ok(ours.some((m) => m.headers['nts'] === 'ssdp:alive' && m.headers['location'] === location), 'NOTIFY alive was sent');
  assert.equal(ours.filter((m) => m.headers['nts'] === 'ssdp:byebye').length, 5, 'NOTIFY byebye for every advertisement');
});

test('the M3U playlist needs the pairing token and its URLs play through ffprobe', async () => {
  const base = w.svc.baseUrl;
  const refused = await fetch(`${base}/api/playlist.m3u`);
  assert.equal(refused.status, 401);
  await refused.body?.cancel();
  const res = await fetch(`${base}/api/playlist.m3u?token=${encodeURIComponent(w.svc.token)}`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /mpegurl/);
  const lines = (await res.text()).trimEnd().split('\n');
  assert.equal(lines[0], '#EXTM3U');
  const at = lines.findIndex((l) => l.endsWith(',sample.mp4'));
  // -1 until the background probe has read the file, then its length in seconds (the sample: 30).
  const extinf = /^#EXTINF:(-?\d+) (.*)$/.exec(lines[at] ?? '');
  assert.ok(extinf && (extinf[1] === '-1' || extinf[1] === '30'), lines[at]);
  assert.equal(extinf[2], `tvg-id="${w.fx.infoHash}-${sampleIndex()}" tvg-name="sample.mp4" group-title="Movies",sample.mp4`);
  assert.equal(lines.filter((l) => !l.startsWith('#')).length, 2, 'two videos; no .txt');
  const probe = await ffprobe(lines[at + 1]!);
  assert.equal(probe.code, 0, probe.stderr);
  assert.ok(probe.json.streams?.some((s) => s.codec_type === 'video'), 'ffprobe sees a video stream');
  assert.ok(Number(probe.json.format?.duration) > 0);
});

test('.strm export writes files whose URLs play through ffprobe, all inside the folder', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-strm-lib-'));
  try {
    const written = await exportStrm(w.svc.manager, w.svc.auth, w.svc.baseUrl, dir);
    assert.deepEqual(written.map((p) => path.relative(dir, p)).sort(), [path.join('Movies', 'evil _&]]_ _x_ \'y\'.strm'), path.join('Movies', 'sample.strm')].sort());
    const url = fs.readFileSync(path.join(dir, 'Movies', 'sample.strm'), 'utf8').trim();
    assert.match(url, new RegExp(`^http://127\\.60\\.0\\.1:\\d+/stream/${w.fx.infoHash}/${sampleIndex()}\\?st=[0-9a-f]{32}$`));
    const probe = await ffprobe(url);
    assert.equal(probe.code, 0, probe.stderr);
    assert.ok(probe.json.streams?.some((s) => s.codec_type === 'video'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('export-strm from the running service: URLs for the address the media server uses, tokens that play', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-strm-cli-'));
  try {
    const publicBase = w.svc.baseUrl.replace('127.60.0.1', 'localhost');
    const written = await exportStrmFromService({ serviceUrl: w.svc.baseUrl, publicBaseUrl: publicBase, stateDir: w.svc.store.stateDir, dir });
    assert.equal(written.length, 2);
    const url = fs.readFileSync(path.join(dir, 'Movies', 'sample.strm'), 'utf8').trim();
    assert.ok(url.startsWith(`${publicBase}/stream/${w.fx.infoHash}/${sampleIndex()}?st=`), url);
    // The media server would reach "localhost" as itself; here the same URL goes to the service.
    const res = await fetch(url.replace(publicBase, w.svc.baseUrl), { headers: { range: 'bytes=0-999' } });
    assert.equal(res.status, 206);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(sampleFile().bytes.subarray(0, 1000)));
    await assert.rejects(exportStrmFromService({ serviceUrl: 'http://127.60.0.1:9', stateDir: w.svc.store.stateDir, dir }), /no torrent-live service answered/);
    await assert.rejects(exportStrmFromService({ serviceUrl: w.svc.baseUrl, stateDir: dir, dir }), /pairing token/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('the Stremio-style add-on: keyed manifest, catalog, meta and stream in the protocol shapes; the stream plays', async () => {
  const base = w.svc.baseUrl;
  const info = await fetch(`${base}/api/addon`, { headers: { authorization: `Bearer ${w.svc.token}` } });
  const { manifestUrl } = (await info.json()) as { manifestUrl: string };
  assert.match(manifestUrl, new RegExp(`^${base}/addon/[0-9a-f]{32}/manifest\\.json$`));
  const addonBase = manifestUrl.replace(/\/manifest\.json$/, '');
  const manifestRes = await fetch(manifestUrl);
  assert.equal(manifestRes.headers.get('access-control-allow-origin'), '*');
  const manifest = await manifestRes.json();
  assert.deepEqual(manifestProblems(manifest), []);
  assert.equal((manifest as { version: string }).version, PACKAGE_VERSION);
  const catalog = (await (await fetch(`${addonBase}/catalog/movie/torrent-live.json`)).json()) as { metas: Array<{ id: string; name: string }> };
  assert.deepEqual(catalogResponseProblems(catalog), []);
  assert.equal(catalog.metas.length, 2);
  const id = `tl:${w.fx.infoHash}:${sampleIndex()}`;
  assert.ok(catalog.metas.some((m) => m.id === id && m.name === 'Movies — sample.mp4'));
  const meta = await (await fetch(`${addonBase}/meta/movie/${encodeURIComponent(id)}.json`)).json();
  assert.deepEqual(metaResponseProblems(meta), []);
  const streams = (await (await fetch(`${addonBase}/stream/movie/${encodeURIComponent(id)}.json`)).json()) as { streams: Array<{ url: string }> };
  assert.deepEqual(streamResponseProblems(streams), []);
  const play = await fetch(streams.streams[0]!.url, { headers: { range: 'bytes=0-65535' } });
  assert.equal(play.status, 206);
  assert.ok(Buffer.from(await play.arrayBuffer()).equals(sampleFile().bytes.subarray(0, 65536)));

  for (const refused of [`${base}/addon/manifest.json`, `${base}/addon/${'0'.repeat(32)}/manifest.json`, `${base}/addon/${'0'.repeat(32)}/catalog/movie/torrent-live.json`]) {
    const r = await fetch(refused);
    assert.equal(r.status, 401, refused);
    await r.body?.cancel();
  }
  const paired = await fetch(`${base}/addon/manifest.json`, { headers: { authorization: `Bearer ${w.svc.token}` } });
  assert.equal(paired.status, 200, 'a paired client may use the short URL');
  await paired.body?.cancel();
});

test('two instances on one host get distinct DLNA names, and --dlna-name names one', async (t) => {
  const named = parseCommand(['serve', '--dlna-name', 'Living room <torrent-live>']);
  assert.ok(named.mode === 'serve');
  const nameOf = async (port: number): Promise<string> => xml.parse(await (await fetch(`http://${SERVICE_HOST}:${port}/dlna/description.xml`)).text()).root.device.friendlyName;
  const second = await startService({ bootstrap: w.world.dht.bootstrap, host: SERVICE_HOST });
  t.after(() => second.close());
  const third = await startService({ bootstrap: w.world.dht.bootstrap, host: SERVICE_HOST, config: { dlnaName: named.config.dlnaName } });
  t.after(() => third.close());
  const [first, other, configured] = [await nameOf(w.svc.http.port), await nameOf(second.http.port), await nameOf(third.http.port)];
  assert.notEqual(first, other, 'same host, same defaults, different names');
  assert.equal(other, `torrent-live (${os.hostname()}:${second.http.port})`);
  assert.equal(configured, 'Living room <torrent-live>', 'escaped in the description, read back as given');
});

test('a SOAP body of unterminated markup is refused with a fault at once, not after minutes of regex backtracking', async () => {
  const control = `${w.svc.baseUrl}/dlna/control/ContentDirectory`;
  for (const body of ['<a'.repeat(8000), `<s:Envelope>${'<a b="'.repeat(2500)}`]) {
    const res = await fetch(control, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: `"${CD}#Browse"` }, body });
    assert.equal(res.status, 400);
    const text = await res.text();
    assert.match(text, /<s:Fault>[\s\S]*<errorCode>401<\/errorCode>/);
    assert.ok(text.length < 2000, `the fault quotes little of the body (${text.length} characters)`);
  }
  // The service still answers afterwards.
  assert.equal((await fetch(`${w.svc.baseUrl}/dlna/description.xml`)).status, 200);
});
