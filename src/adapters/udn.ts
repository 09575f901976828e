/**
 * The DLNA server's UDN, kept in the store folder: a TV remembers servers by UDN, so a new one
 * on every start would show torrent-live as a new device each time.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { TorrentLiveError } from '../errors.js';

export const UDN_FILE = 'dlna-udn';
const UDN_PATTERN = /^uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function loadOrCreateUdn(stateDir: string): string {
  const file = path.join(stateDir, UDN_FILE);
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (UDN_PATTERN.test(existing)) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storeError(file, err);
  }
  const udn = `uuid:${randomUUID()}`;
  try {
    fs.mkdirSync(stateDir, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, `${udn}\n`);
    fs.renameSync(temporary, file);
  } catch (err) {
    throw storeError(file, err);
  }
  return udn;
}

function storeError(file: string, err: unknown): TorrentLiveError {
  return new TorrentLiveError('E_STORE', `cannot read or write the DLNA device id ${file}: ${(err as Error).message}`, { cause: err });
}
