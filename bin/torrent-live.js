#!/usr/bin/env node
// Entry for `npx torrent-live`: registers tsx so the TypeScript sources run as shipped.
import { register } from 'tsx/esm/api';
register();
process.env.TORRENT_LIVE_BIN = "1";
await import("../src/cli/main.ts");
