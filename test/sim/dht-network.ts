// The loopback DHT lives in src/demo (the demo command uses it too); tests import it from here.
export * from '../../src/demo/loopback-dht.js';
