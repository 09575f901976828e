/** The casting library's tool check, shared so every missing tool is reported the same way. */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { findExecutable } from '@torrent-live/casting/testing';

export { requireTool, findExecutable, missingToolMessage, TOOLS, type ToolName } from '@torrent-live/casting/testing';

/** Debian's python3-libtorrent is built for the system Python, not for whatever `python3` is first on PATH. */
export const LIBTORRENT_PYTHON = '/usr/bin/python3';

// The tools below are this project's own (the casting library's table covers casting's); their
// packages are in scripts/setup like the others.

/** nft (package nftables) and root, for the test world's silent (NAT-like) peers; returns nft's path. */
export function requireNft(): string {
  // Root's tools live in sbin, which a non-login PATH may lack.
  const nft = findExecutable('nft', [process.env['PATH'] ?? '', '/usr/sbin', '/sbin'].join(path.delimiter));
  if (!nft) throw new Error('nft is not installed (nft not found); it is needed for silent (NAT-like) peers in the test world. Install it with: sudo apt-get install -y nftables (or run: npm run setup)');
  if (process.getuid?.() !== 0) throw new Error('silent (NAT-like) test peers are made with an nftables table, which needs root: run the tests as root (CI does)');
  return nft;
}

let libtorrentImports: boolean | undefined;

/** Throws at once, naming the package, when /usr/bin/python3 cannot import libtorrent. */
export function requireLibtorrent(): void {
  if (libtorrentImports === undefined) {
    try {
      execFileSync(LIBTORRENT_PYTHON, ['-c', 'import libtorrent'], { stdio: 'ignore', timeout: 10_000 });
      libtorrentImports = true;
    } catch {
      libtorrentImports = false;
    }
  }
  if (!libtorrentImports) {
    throw new Error(`python3-libtorrent is not installed (${LIBTORRENT_PYTHON} -c "import libtorrent" failed); it is needed for the libtorrent peers of the test world. Install it with: sudo apt-get install -y python3-libtorrent (or run: npm run setup)`);
  }
}
