#!/usr/bin/env node
// Entry for `npx torrent-live`: registers tsx so the TypeScript sources run as shipped.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
