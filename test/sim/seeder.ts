// The fast seeder lives in src/demo (the demo command uses it too); tests import it from here.
export * from '../../src/demo/fast-seeder.js';
