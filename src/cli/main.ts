/**
 * Entry point: argv → command → mode. `--help` and `--version` are answered from the argument
 * parser alone; every other mode loads ./modes.js (the service, HTTP, casting...) only then, so
 * a start that needs none of it costs no more than Node itself.
 */
import fs from 'node:fs';
import { parseCommand, USAGE } from './args.js';
import { isTorrentLiveError } from '../errors.js';
import { PACKAGE_VERSION } from '../version.js';

export async function main(argv: string[]): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.mode === 'help') process.stdout.write(`${USAGE}\n`);
    else if (command.mode === 'version') process.stdout.write(`${PACKAGE_VERSION}\n`);
    else await (await import('./modes.js')).run(command);
    return 0;
  } catch (err) {
    if (isTorrentLiveError(err)) {
      process.stderr.write(`torrent-live: ${err.code}: ${err.message}\n  ${err.hint}\n`);
      return err.exitCode;
    }
    process.stderr.write(`torrent-live: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}

const invokedDirectly = process.argv[1] && /[\\/]cli[\\/]main\.[jt]s$/.test(fs.realpathSync(process.argv[1]));
if (invokedDirectly || process.env['TORRENT_LIVE_BIN'] === '1') {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
