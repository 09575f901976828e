/**
 * Run by gmediarender.test.ts inside the control namespace (gmediarender refuses loopback): the
 * CastTarget suite against the real renderer, found over SSDP, fed from an HTTP server on the
 * control address. Usage: gmediarender-in-namespace.ts <controlAddress> <video.mp4> <rendererName>
 */
import fs from 'node:fs';
import { connect, dlnaStreamHeaders, startDiscovery } from '../../src/index.js';
import { startMediaServer } from '../sim/media-server.js';
import { castTargetSuite } from './cast-target.suite.js';

const [controlAddress, videoPath, rendererName] = process.argv.slice(2);
if (!controlAddress || !videoPath || !rendererName) throw new Error('usage: gmediarender-in-namespace.ts <controlAddress> <video.mp4> <rendererName>');

castTargetSuite('DLNA (gmediarender)', async () => {
  const video = fs.readFileSync(videoPath);
  const media = await startMediaServer(controlAddress, { '/test.mp4': { body: video, contentType: 'video/mp4', headers: dlnaStreamHeaders('video/mp4') } });
  const discovery = await startDiscovery({ interfaceAddress: controlAddress, chromecast: false, searchIntervalMs: 1000 });
  try {
    const device = await discovery.waitFor(rendererName, 10_000);
    const target = await connect(device, { timeoutMs: 5000 });
    return {
      target,
      media: { url: media.url('/test.mp4'), title: 'Compliance <clip> & "co"', contentType: 'video/mp4', sizeBytes: video.length, durationSeconds: 20 },
      close: async () => {
        await discovery.close();
        await media.close();
      },
    };
  } catch (err) {
    await discovery.close();
    await media.close();
    throw err;
  }
});
