/**
 * A file shaped like a real 1080p release (10-bit HEVC, 5.1 DTS, an embedded English SubRip track,
 * made by ffmpeg here) through every screen the one playback decision serves, while it downloads:
 * the web player (what Chromium decodes), a Chromecast and a Chromecast Ultra (the same decision
 * the cast plan takes), the DLNA listing (original and conversion, caption info), the Stremio
 * add-on (subtitles), and the conversion itself (what comes out is H.264 8-bit + AAC).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { CLIP_SUBTITLES, makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { closesAfter } from '../sim/cleanup.js';
import { DEVICE_PROFILES } from '../../src/transcode/capabilities.js';
import { planPlayback } from '../../src/transcode/playback.js';
import { parseProbeOutput } from '../../src/transcode/probe.js';

const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';
const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', parseTagValue: false, isArray: (n) => n === 'item' || n === 'res' });
/** What Chromium 156 answers canPlayType with here: no HEVC, no DTS or AC-3. */
const CHROMIUM = { formats: [{ container: 'mp4', video: ['h264', 'vp9', 'av1'], audio: ['aac', 'mp3', 'opus', 'flac'] }, { container: 'webm', video: ['vp8', 'vp9', 'av1'], audio: ['opus', 'vorbis'] }] };

test('a 10-bit HEVC 1080p MKV with DTS 5.1 and an embedded SRT: every screen gets something it plays, with the subtitle', async (t) => {
  const own = closesAfter(t);
  const clip = await makeClip('hevc10-dts-srt-mkv', { seconds: 16, width: 1920, height: 1080 });
  const probed = parseProbeOutput(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', clip.path], { encoding: 'utf8' }));
  // The decision the cast plan takes for each Chromecast model (the Ultra decodes HEVC, neither decodes DTS).
  for (const model of ['chromecast', 'chromecast-ultra'] as const) {
    const plan = planPlayback(probed, DEVICE_PROFILES[model]!);
    assert.notEqual(plan.mode, 'original', `${model}: DTS is not played as is`);
    assert.ok(plan.decision, `${model}: a conversion plan`);
    t.diagnostic(`${model}: ${plan.mode} (${plan.reason})`);
  }

  const fx = await makeFixture({ name: 'Release.2026.1080p.WEB.x265.10bit.DTS.mkv', files: [{ name: 'Release.2026.1080p.WEB.x265.10bit.DTS.mkv', length: clip.bytes.length }], contents: [clip.bytes], pieceLength: 64 * 1024 });
  const world = own(await startWorld({ fixtures: [fx], dhtSize: 30, addressBlock: 188, seederBlock: 189 }));
  const svc = own(await startService({ bootstrap: world.dht.bootstrap, host: '127.0.0.1', service: { tvs: false, mediaServer: { advertise: false, probeInBackground: false } } }));
  await svc.manager.add(fx.magnet);
  await svc.manager.session(fx.infoHash)!.ready;

  // The web player: Chromium can neither decode 10-bit HEVC nor DTS, so a full conversion, with the embedded track offered.
  const playback = (await (await fetch(`${svc.baseUrl}/api/playback`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ infoHash: fx.infoHash, fileIndex: 0, abilities: CHROMIUM }) })).json()) as { mode: string; url: string; reason: string; subtitles: Array<{ url: string; source: string; language: string }> };
  t.diagnostic(`web player: ${playback.mode} (${playback.reason})`);
  assert.equal(playback.mode, 'convert');
  const embedded = playback.subtitles.find((s) => s.source === 'embedded');
  assert.ok(embedded, 'the embedded track is offered to the page');
  assert.match(await (await fetch(new URL(embedded.url, svc.baseUrl))).text(), new RegExp(CLIP_SUBTITLES[0].text));

  // What that conversion sends: 8-bit H.264 and AAC in MP4, which the browser decodes.
  const head = Buffer.from(await (await fetch(new URL(playback.url, svc.baseUrl))).arrayBuffer());
  const converted = path.join(os.tmpdir(), `tl-release-${process.pid}.mp4`);
  fs.writeFileSync(converted, head);
  t.after(() => fs.rmSync(converted, { force: true }));
  const out = parseProbeOutput(execFileSync('ffprobe', ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', converted], { encoding: 'utf8' }));
  t.diagnostic(`conversion: ${JSON.stringify({ video: out.video, audio: out.audio })}`);
  assert.equal(out.video?.codec, 'h264', 'H.264 out');
  assert.ok(!out.video?.pixFmt?.includes('10'), `8-bit out (${out.video?.pixFmt})`);
  assert.equal(out.audio?.codec, 'aac', 'AAC out');

  // DLNA: the original (for TVs that play it) and a conversion, plus the caption.
  const body = `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${CD}"><ObjectID>t:${fx.infoHash}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`;
  const r = await fetch(`${svc.baseUrl}/dlna/control/ContentDirectory`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: `"${CD}#Browse"` }, body });
  const item = xml.parse(xml.parse(await r.text())['s:Envelope']['s:Body']['u:BrowseResponse'].Result)['DIDL-Lite'].item[0];
  const res = item.res as Array<Record<string, string>>;
  t.diagnostic(`DLNA res: ${res.map((x) => x['@protocolInfo']).join(' | ')}`);
  assert.ok(res.some((x) => x['@protocolInfo']!.includes('video/x-matroska')), 'the original');
  assert.ok(res.some((x) => x['@protocolInfo']!.includes('video/mp4') && /transcode=mp4/.test(x['#text']!)), 'a conversion');
  assert.ok(item['sec:CaptionInfoEx'], 'caption info');

  // Stremio: the stream carries the subtitle.
  const streams = (await (await fetch(`${svc.baseUrl}/addon/stream/movie/${encodeURIComponent(`tl:${fx.infoHash}:0`)}.json`)).json()) as { streams: Array<{ subtitles?: Array<{ url: string; lang: string }> }> };
  assert.ok(streams.streams[0]?.subtitles?.length, 'Stremio subtitles');
});
