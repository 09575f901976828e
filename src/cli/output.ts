/**
 * What the CLI prints: NDJSON events on stdout with --json (nothing else goes there), otherwise
 * human lines and a progress line redrawn in place on a terminal. Errors always go to stderr.
 */
import type { AppEvent, EventBus } from '../events.js';
import type { TorrentManager } from '../core/torrent-manager.js';
import { progressLine } from './progress.js';
import type { TranscodeFormat } from '../config.js';
import { isVideoName } from '../core/torrent-manager.js';

export interface CliOutput {
  info(line: string): void;
  close(): void;
}

export function attachOutput(opts: { bus: EventBus; manager: TorrentManager; json: boolean; baseUrl: string; stdout?: NodeJS.WriteStream; intervalMs?: number; transcode?: TranscodeFormat | undefined }): CliOutput {
  const out = opts.stdout ?? process.stdout;
  if (opts.json) {
    const unsubscribe = opts.bus.subscribe((e: AppEvent) => out.write(`${JSON.stringify(e)}\n`));
    return { info: () => {}, close: unsubscribe };
  }
  const tty = out.isTTY === true;
  let drawn = false;
  const clearLine = () => {
    if (tty && drawn) out.write('\r\x1b[2K');
    drawn = false;
  };
  const info = (line: string) => {
    clearLine();
    out.write(`${line}\n`);
  };
  const unsubscribe = opts.bus.subscribe((e) => {
    if (e.event === 'metadata') {
      info(`${e.name}:`);
      for (const f of e.files) {
        info(`  ${opts.baseUrl}${f.url}  (${f.name})`);
        // The 2015 form's [mp4|webm]: the conversion streams while downloading, seekable with &t=.
        if (opts.transcode && isVideoName(f.name)) info(`  ${opts.baseUrl}${f.url}?transcode=${opts.transcode}  (${f.name} as ${opts.transcode})`);
      }
    } else if (e.event === 'done') info(`done: ${e.infoHash}`);
    else if (e.event === 'error') info(`error: ${e.message}`);
    else if (e.event === 'warning') info(`warning: ${e.message}`);
    else if (e.event === 'paused') info(e.message);
    else if (e.event === 'resumed') info(`resumed: ${e.infoHash}`);
    else if (e.event === 'route') info(e.blocked ? `torrent traffic BLOCKED (${e.label}): ${e.message ?? ''}` : `torrent traffic ${e.label}`);
    else if (e.event === 'spy') info(`spy blocked: ${e.ip}${e.port ? `:${e.port}` : ''} (${e.reason})`);
  });
  let ticks = 0;
  const timer = setInterval(() => {
    ticks++;
    const lines = opts.manager.sessions().map((s) => progressLine(s.status(), { spiesBlocked: opts.manager.spiesBlocked(s.infoHash), dhtNodes: opts.manager.dhtNodes(s.infoHash) }));
    if (lines.length === 0) return;
    if (tty) {
      clearLine();
      out.write(lines.join('  ||  ').slice(0, (out.columns ?? 200) - 1));
      drawn = true;
    } else if (ticks % 10 === 0) {
      for (const l of lines) out.write(`${l}\n`);
    }
  }, opts.intervalMs ?? 1000);
  timer.unref();
  return {
    info,
    close: () => {
      clearInterval(timer);
      clearLine();
      unsubscribe();
    },
  };
}
