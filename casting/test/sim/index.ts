/**
 * Simulated devices for tests of programs that use this library (exported as
 * `@torrent-live/casting/testing`): a fake Chromecast, the real gmediarender in a network
 * namespace, a plain HTTP media server and a scripted SSDP answerer. Not part of the runtime API.
 */
export { startFakeChromecast, type FakeChromecast, type FakeChromecastOptions, type FakeChromecastState, type ReceivedMessage } from './fake-chromecast.js';
export { startRendererNamespace, makeTestVideo, type RendererNamespace, type ExecResult } from './renderer-netns.js';
export { startMediaServer, type MediaServer } from './media-server.js';
export { startFakeSsdp, type FakeSsdp, type FakeSsdpAnswer } from './fake-ssdp.js';
export { closesAfter, stopChild, type Own } from './cleanup.js';
export { requireTool, findExecutable, missingToolMessage, TOOLS, type ToolName } from './require-tool.js';
