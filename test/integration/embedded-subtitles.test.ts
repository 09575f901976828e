/**
 * An MKV made by ffmpeg with an embedded SubRip track (a cue at 4 s): the cue reaches every screen
 * as WebVTT while the torrent is still downloading: the stream route (?format=vtt&track=0), a
 * Chromecast (an active text track in its LOAD), the DLNA listing (sec:CaptionInfoEx, and
 * CaptionInfo.sec on the stream) and the Stremio add-on's stream `subtitles`. The web player's
 * <track> is covered in Chromium by test/e2e/web-subtitles.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { startFakeChromecast } from '@torrent-live/casting/testing';
import { CLIP_SUBTITLES, makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { until } from '../sim/wait.js';
import { activeProcesses } from '../../src/transcode/ffmpeg-stream.js';
import { streamResponseProblems } from '../../src/adapters/addon-shapes.js';
import { parseCueBlock } from '../../src/transcode/webvtt.js';

/** TVs get URLs on the --interface address (lo, 127.0.0.1 here): the service listens there, on a port of its own. */
const SERVICE_HOST = '127.0.0.1';
const TV_HOST = '127.199.0.41';
const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';
const CUE = CLIP_SUBTITLES[0];
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'item' || n === 'container' || n === 'res' });

/** The cue with this text in a WebVTT body, parsed as a player would. */
function cueIn(vtt: string, text: string) {
  assert.match(vtt, /^WEBVTT\n\n/);
  return vtt.split('\n\n').map(parseCueBlock).find((c) => c?.text === text);
}

function assertCueAtItsTime(vtt: string, where: string): void {
  const cue = cueIn(vtt, CUE.text);
  assert.ok(cue, `${where}: the cue "${CUE.text}" is there`);
  // The muxer shifts the whole file by the video's first timestamp (21 ms here): within 0.1 s.
  assert.ok(Math.abs(cue.start - CUE.start) < 0.1 && Math.abs(cue.end - CUE.end) < 0.1, `${where}: ${cue.start}..${cue.end}, wanted ${CUE.start}..${CUE.end}`);
}

test('an embedded SRT cue reaches the stream route, a Chromecast, the DLNA listing and the Stremio add-on', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('h264-srt-mkv', { seconds: 20 });
  const fx = await makeFixture({ name: clip.name, files: [{ name: clip.name, length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 16 * 1024 });
  // About 12 s for the whole file: the cue at 4 s sits a fifth of the way in.
  const world = own(await startWorld({ fixtures: [fx], rateBytesPerSec: Math.round(clip.bytes.length / 12), dhtSize: 30, addressBlock: 196, seederBlock: 197 }));
  const tv = own(await startFakeChromecast({ host: TV_HOST, name: 'Subtitles TV' }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: SERVICE_HOST, service: { tvs: { searchIntervalMs: 500 }, mediaServer: { advertise: false, probeInBackground: false } }}));
  await svc.manager.add(fx.magnet);
  const session = svc.manager.session(fx.infoHash)!;
  await session.ready;

  // 1. The stream route, read as it streams: the cue arrives long before the download ends.
  const res = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?format=vtt&track=0`);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'text/vtt; charset=utf-8');
  assert.equal(res.headers.get('access-control-allow-origin'), '*');
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let vtt = '';
  let downloadedAtCue = -1;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    vtt += decoder.decode(value, { stream: true });
    if (downloadedAtCue < 0 && vtt.includes(`${CUE.text}\n\n`)) downloadedAtCue = session.status().downloaded;
  }
  assert.ok(downloadedAtCue > 0 && downloadedAtCue < fx.content.length, `the cue came with ${downloadedAtCue} of ${fx.content.length} bytes downloaded`);
  t.diagnostic(`cue delivered at ${Math.round((100 * downloadedAtCue) / fx.content.length)}% of the download`);
  assertCueAtItsTime(vtt, 'stream route');
  assert.ok(cueIn(vtt, CLIP_SUBTITLES[1].text), 'and the second cue, once the file is read to the end');

  // 2. A Chromecast: the LOAD carries the track, active, and its URL serves the cue.
  const device = await svc.discovery!.waitFor('Subtitles TV', 10_000);
  const cast = await fetch(`${svc.baseUrl}/api/cast`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ deviceId: device.id, infoHash: fx.infoHash, fileIndex: 0 }) });
  assert.equal(cast.status, 200, await cast.clone().text());
  await until('the LOAD', () => tv.received.some((m) => m.data['type'] === 'LOAD'));
  const load = tv.received.find((m) => m.data['type'] === 'LOAD')!.data as { media: { tracks?: Array<Record<string, unknown>> }; activeTrackIds?: number[] };
  const track = load.media.tracks?.[0];
  assert.ok(track, 'the LOAD lists a text track');
  assert.deepEqual([track['type'], track['trackContentType'], track['language'], track['name']], ['TEXT', 'text/vtt', 'en', 'English']);
  assert.deepEqual(load.activeTrackIds, [track['trackId']], 'and turns it on');
  const trackUrl = String(track['trackContentId']);
  assert.match(trackUrl, new RegExp(`^http://[0-9.]+:\\d+/stream/${fx.infoHash}/0\\?st=[0-9a-f]+&format=vtt&track=0$`), 'a tokenised URL the TV can open');
  const onTv = await fetch(trackUrl);
  assert.equal(onTv.headers.get('access-control-allow-origin'), '*', 'the receiver page fetches it cross-origin');
  assertCueAtItsTime(await onTv.text(), 'Chromecast track');

  // 3. DLNA: the item's caption info, and the stream's CaptionInfo.sec for renderers that ask.
  const browse = async (objectId: string) => {
    const body = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${objectId}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`;
    const r = await fetch(`${svc.baseUrl}/dlna/control/ContentDirectory`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: `"${CD}#Browse"` }, body });
    return xml.parse(xml.parse(await r.text())['s:Envelope']['s:Body']['u:BrowseResponse'].Result)['DIDL-Lite'];
  };
  const item = (await browse(`t:${fx.infoHash}`)).item[0];
  const caption = item['sec:CaptionInfoEx'];
  assert.equal(caption['@sec:type'], 'vtt');
  assert.match(caption['#text'], /&format=vtt&track=0$/);
  assert.ok((item.res as Array<Record<string, string>>).some((r) => r['@protocolInfo'] === 'http-get:*:text/vtt:*' && r['#text'] === caption['#text']), 'and as a text/vtt resource');
  assertCueAtItsTime(await (await fetch(caption['#text'])).text(), 'DLNA caption');
  const head = await fetch(item.res[0]['#text'], { method: 'HEAD', headers: { 'getcaptioninfo.sec': '1' } });
  assert.match(head.headers.get('captioninfo.sec') ?? '', /&format=vtt&track=0$/);

  // 4. The Stremio add-on: the stream's subtitles.
  const streams = (await (await fetch(`${svc.baseUrl}/addon/stream/movie/${encodeURIComponent(`tl:${fx.infoHash}:0`)}.json`)).json()) as { streams: Array<{ subtitles?: Array<{ id: string; url: string; lang: string }> }> };
  assert.deepEqual(streamResponseProblems(streams), []);
  const sub = streams.streams[0]!.subtitles?.[0];
  assert.ok(sub, 'the stream lists the subtitle');
  assert.equal(sub.lang, 'eng');
  assertCueAtItsTime(await (await fetch(sub.url)).text(), 'Stremio subtitles');

  // Bad tracks get clear answers.
  const none = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?format=vtt&track=3`);
  assert.equal(none.status, 404);
  assert.match(((await none.json()) as { error: { message: string } }).error.message, /has 1 subtitle track\(s\); track=3 is not one of them/);
  assert.equal((await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?format=vtt&track=x`)).status, 400);
  const plain = await fetch(`${svc.baseUrl}/stream/${fx.infoHash}/0?format=vtt`);
  assert.match(((await plain.json()) as { error: { message: string } }).error.message, /add &track=N/);

  await fetch(`${svc.baseUrl}/api/devices/${encodeURIComponent(device.id)}/stop`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  await until('no ffmpeg left', () => activeProcesses() === 0, 10_000);
});
