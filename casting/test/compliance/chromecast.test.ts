/** The CastTarget suite against the Chromecast sender and the fake Chromecast (castv2 over TLS on loopback). */
import { randomBytes } from 'node:crypto';
import { connect, dlnaStreamHeaders } from '../../src/index.js';
import { startFakeChromecast } from '../sim/fake-chromecast.js';
import { startMediaServer } from '../sim/media-server.js';
import { castTargetSuite } from './cast-target.suite.js';

castTargetSuite('Chromecast (fake device)', async () => {
  const media = await startMediaServer('127.80.0.1', { '/movie.mp4': { body: randomBytes(256 * 1024), contentType: 'video/mp4', headers: dlnaStreamHeaders('video/mp4') } });
  const fake = await startFakeChromecast({ host: '127.80.0.5', name: 'TL Compliance Cast' }).catch(async (err: unknown) => {
    await media.close();
    throw err;
  });
  try {
    // Connected straight from the device record: discovery has its own tests, and mDNS on a shared loopback is not needed here.
    const target = await connect({ id: `chromecast:${fake.id}`, name: fake.name, kind: 'chromecast', address: fake.host, port: fake.port, lastSeenMs: Date.now() }, { timeoutMs: 3000 });
    return {
      target,
      media: { url: media.url('/movie.mp4'), title: 'Compliance <clip> & "co"', contentType: 'video/mp4', durationSeconds: 20 },
      close: async () => {
        await fake.close();
        await media.close();
      },
    };
  } catch (err) {
    await fake.close();
    await media.close();
    throw err;
  }
});
