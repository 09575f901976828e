/**
 * Writes a long listing in slices, giving the event loop back between them. A torrent can name
 * tens of thousands of files; rendering and writing them in one go would hold every other
 * request (a TV's DLNA description, a stream) for as long. Respects backpressure and stops as
 * soon as the client goes away.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Response } from 'express';

/** Items rendered between two turns of the event loop: a few milliseconds of work. */
export const ITEMS_PER_SLICE = 250;

export interface SlicedWriter {
  /** Writes text; resolves false once the client has gone (stop producing). */
  write(text: string): Promise<boolean>;
  /** Renders and writes items, a slice at a time; false if the client went away. */
  writeEach<T>(items: Iterable<T>, render: (item: T, position: number) => string): Promise<boolean>;
  end(): void;
}

export function slicedWriter(res: Response): SlicedWriter {
  const gone = (): boolean => res.destroyed || res.writableEnded;
  const write = async (text: string): Promise<boolean> => {
    if (gone()) return false;
    if (!res.write(text)) await drainedOrClosed(res);
    return !gone();
  };
  return {
    write,
    async writeEach(items, render) {
      let chunk: string[] = [];
      let position = 0;
      for (const item of items) {
        chunk.push(render(item, position++));
        if (chunk.length >= ITEMS_PER_SLICE) {
          if (!(await write(chunk.join('')))) return false;
          chunk = [];
          await nextTurn();
        }
      }
      return chunk.length === 0 || write(chunk.join(''));
    },
    end() {
      if (!gone()) res.end();
    },
  };
}

/**
 * A JSON object whose one array field is long (a torrent view and its files), written with the
 * array in slices. Items are mapped as they are written, so per-item work (a stream token) is
 * spread over the slices too.
 */
export async function writeJsonWithLongArray<O extends object, K extends keyof O, T>(
  out: SlicedWriter,
  value: O,
  key: K,
  items: readonly T[],
  mapItem: (item: T) => unknown,
): Promise<boolean> {
  const head = JSON.stringify({ ...value, [key]: [] });
  // The head holds `"key":[]` exactly once outside string values (quotes inside strings are
  // escaped), so it is cut inside those brackets and the items go in between.
  const marker = `${JSON.stringify(key)}:[]`;
  const at = head.lastIndexOf(marker);
  if (at < 0) return out.write(JSON.stringify({ ...value, [key]: items.map(mapItem) }));
  const before = head.slice(0, at + marker.length - 1);
  const after = head.slice(at + marker.length - 1);
  if (!(await out.write(before))) return false;
  if (!(await out.writeEach(items, (item, i) => (i > 0 ? ',' : '') + JSON.stringify(mapItem(item))))) return false;
  return out.write(after);
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
