import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ADDON_CATALOG_PAGE_SIZE, addonItemId, addonManifest, catalogResponse, metaResponse, parseAddonItemId, parseCatalogSkip, streamResponse } from '../../../src/adapters/addon-manifest.js';
import { catalogResponseProblems, manifestProblems, metaResponseProblems, streamResponseProblems } from '../../../src/adapters/addon-shapes.js';
import { advertisements, matchSearch } from '../../../src/adapters/ssdp-messages.js';
import { buildNotify as notify, buildSearchResponse as searchResponse, parseSearchRequest as searchRequest, parseSsdpMessage } from '@torrent-live/casting';
import { PACKAGE_VERSION } from '../../../src/version.js';
import { HASH_A, HASH_B, torrent, urlFor } from './helpers.js';
import fs from 'node:fs';

const torrents = [
  torrent(HASH_A, 'Show', [['Show/e01.mkv', 'video/x-matroska'], ['Show/theme.mp3', 'audio/mpeg'], ['Show/e02.mp4', 'video/mp4']]),
  torrent(HASH_B, 'clip.mp4', [['clip.mp4', 'video/mp4']]),
];
const catalog = { get: (infoHash: string) => torrents.find((t) => t.infoHash === infoHash) };
const BASE = 'http://127.60.0.1:8888';

test('the add-on manifest has the protocol shape and the package.json version', () => {
  const m = addonManifest();
  assert.deepEqual(manifestProblems(m), []);
  assert.equal(m.version, JSON.parse(fs.readFileSync('package.json', 'utf8')).version);
  assert.equal(m.version, PACKAGE_VERSION);
  assert.deepEqual(m.catalogs, [{ type: 'movie', id: 'torrent-live', name: 'torrent-live', extra: [{ name: 'skip', isRequired: false }] }]);
  assert.deepEqual(m.idPrefixes, ['tl:']);
});

test('the shape validator catches broken manifests and responses', () => {
  assert.ok(manifestProblems({ ...addonManifest(), version: 'v1' }).some((p) => p.startsWith('version')));
  assert.ok(manifestProblems({ ...addonManifest(), catalogs: [] }).some((p) => p.startsWith('catalogs')));
  assert.ok(manifestProblems({ ...addonManifest(), resources: ['bogus'] }).length > 0);
  assert.ok(catalogResponseProblems({ metas: [{ id: 'x', type: 'movie' }] }).some((p) => p.includes('name')));
  assert.ok(streamResponseProblems({ streams: [{ url: 'ftp://x', infoHash: 'y' }] }).length === 2);
  assert.ok(metaResponseProblems({}).length > 0);
});

test('catalog, meta and stream responses: videos only, ids round-trip, tokenised URLs', () => {
  const cat = catalogResponse(torrents);
  assert.deepEqual(catalogResponseProblems(cat), []);
  assert.deepEqual(cat.metas.map((m) => [m.id, m.name]), [
    [`tl:${HASH_A}:0`, 'Show — e01.mkv'],
    [`tl:${HASH_A}:2`, 'Show — e02.mp4'],
    [`tl:${HASH_B}:0`, 'clip.mp4'],
  ]);
  assert.deepEqual(parseAddonItemId(addonItemId(HASH_A, 2)), { infoHash: HASH_A, index: 2 });
  assert.equal(parseAddonItemId('tt123'), undefined);
  const meta = metaResponse(catalog, BASE, `tl:${HASH_A}:2`);
  assert.deepEqual(metaResponseProblems(meta), []);
  assert.equal(metaResponse(catalog, BASE, `tl:${HASH_A}:1`), undefined, 'audio is not a movie');
  const s = streamResponse(catalog, BASE, `tl:${HASH_A}:0`, urlFor);
  assert.deepEqual(streamResponseProblems(s), []);
  assert.equal(s.streams[0]!.url, urlFor(HASH_A, 0));
  assert.equal(s.streams[0]!.behaviorHints.notWebReady, true, 'mkv is not web-ready');
  assert.equal(streamResponse(catalog, BASE, `tl:${HASH_B}:0`, urlFor).streams[0]!.behaviorHints.notWebReady, false);
  assert.deepEqual(streamResponse(catalog, BASE, 'tl:nope', urlFor), { streams: [] });
});

test('the catalog is paged by skip, linear in the files, and meta finds an item in a torrent of 50,000 files', () => {
  const big = torrent(HASH_A, 'Big', Array.from({ length: 50_000 }, (_, i): [string, string] => [`Big/e${i}.mp4`, 'video/mp4']));
  const first = catalogResponse([big]);
  assert.equal(first.metas.length, ADDON_CATALOG_PAGE_SIZE);
  assert.equal(first.metas[0]!.id, `tl:${HASH_A}:0`);
  const page = catalogResponse([big], parseCatalogSkip('skip=49950'));
  assert.deepEqual(page.metas.map((m) => m.id).slice(0, 2), [`tl:${HASH_A}:49950`, `tl:${HASH_A}:49951`]);
  assert.equal(page.metas.length, 50);
  assert.equal(parseCatalogSkip('genre=x'), 0);
  const meta = metaResponse({ get: () => big }, BASE, `tl:${HASH_A}:49999`);
  assert.equal(meta?.meta.name, 'Big — e49999.mp4');
});

test('SSDP: M-SEARCH parsing and matching, responses and NOTIFYs', () => {
  const udn = 'uuid:11111111-2222-3333-4444-555555555555';
  const msg = parseSsdpMessage('M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 9\r\nST: urn:schemas-upnp-org:device:MediaServer:1\r\n\r\n')!;
  assert.deepEqual(searchRequest(msg), { st: 'urn:schemas-upnp-org:device:MediaServer:1', mxSeconds: 5 });
  assert.equal(searchRequest({ ...msg, headers: { ...msg.headers, man: 'nope' } }), undefined);
  assert.equal(parseSsdpMessage('GET / HTTP/1.1\r\n\r\n'), undefined);
  assert.deepEqual(matchSearch('ssdp:all', udn), [{ type: 'upnp:rootdevice', usn: `${udn}::upnp:rootdevice` }]);
  const noHost = parseSsdpMessage('M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\nST: ssdp:all\r\n\r\n')!;
  assert.equal(searchRequest(noHost), undefined, 'UDA requires HOST');
  assert.deepEqual(matchSearch('urn:schemas-upnp-org:device:MediaServer:1', udn), [{ type: 'urn:schemas-upnp-org:device:MediaServer:1', usn: `${udn}::urn:schemas-upnp-org:device:MediaServer:1` }]);
  assert.equal(matchSearch('urn:schemas-upnp-org:service:ContentDirectory:1', udn).length, 1);
  assert.equal(matchSearch(udn, udn)[0]!.usn, udn);
  assert.deepEqual(matchSearch('urn:schemas-upnp-org:device:MediaRenderer:1', udn), []);
  const id = { location: 'http://127.60.0.1:8888/dlna/description.xml', server: 'Linux UPnP/1.0 torrent-live/0.1.0', maxAgeSeconds: 1800 };
  const resp = parseSsdpMessage(searchResponse(advertisements(udn)[2]!, id, new Date(0)))!;
  assert.equal(resp.method, 'RESPONSE');
  assert.equal(resp.headers['location'], id.location);
  assert.equal(resp.headers['st'], 'urn:schemas-upnp-org:device:MediaServer:1');
  const bye = parseSsdpMessage(notify(advertisements(udn)[0]!, id, 'ssdp:byebye'))!;
  assert.equal(bye.method, 'NOTIFY');
  assert.equal(bye.headers['nts'], 'ssdp:byebye');
  assert.equal(bye.headers['location'], undefined);
});
