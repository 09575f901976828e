// Torrent fixtures live in src/demo (the demo command uses them too); tests import them from here.
export * from '../../src/demo/torrent-fixture.js';
