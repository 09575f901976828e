/**
 * A DLNA control point browsing a torrent nobody cast or converted still sees each video's
 * duration: the service probes new torrents' largest videos in the background.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeClip } from '../sim/clips.js';
import { makeFixture } from '../sim/fixtures.js';
import { startWorld } from '../sim/world.js';
import { startService } from '../sim/service.js';
import { until } from '../sim/wait.js';
import { torrentObjectId } from '../../src/adapters/content-directory.js';
import { DLNA_PATHS } from '../../src/adapters/upnp-descriptions.js';

const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

test('DLNA Browse shows a video duration with no cast and no conversion', async (t) => {
  const clip = await makeClip('h264-aac-mp4', { seconds: 7 });
  const fx = await makeFixture({ name: 'Film', files: [{ name: 'film.mp4', length: clip.bytes.length }, { name: 'notes.txt', length: 500 }], contents: [clip.bytes] });
  const world = await startWorld({ fixtures: [fx] });
  t.after(() => world.close());
  const svc = await startService({ bootstrap: world.dht.bootstrap });
  t.after(() => svc.close());
  await fetch(`${svc.baseUrl}/api/torrents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ source: fx.magnet }) });
  const browse = async (): Promise<string> =>
    (
      await fetch(`${svc.baseUrl}${DLNA_PATHS.contentDirectoryControl}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset="utf-8"', soapaction: `"${CD}#Browse"` },
        body: `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:Browse xmlns:u="${CD}"><ObjectID>${torrentObjectId(fx.infoHash)}</ObjectID><BrowseFlag>BrowseDirectChildren</BrowseFlag><Filter>*</Filter><StartingIndex>0</StartingIndex><RequestedCount>0</RequestedCount><SortCriteria></SortCriteria></u:Browse></s:Body></s:Envelope>`,
      })
    ).text();
  let listing = '';
  await until('the duration in the listing', async () => /duration=&quot;0:00:0[67]/.test((listing = await browse())), 20_000);
  assert.equal(svc.events.filter((e) => e.event === 'transcode').length, 0, 'nothing was converted');
  assert.match(listing, /film\.mp4/);
});
