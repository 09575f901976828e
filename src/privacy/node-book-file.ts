/** dht-nodes.json in the store: the node book between runs (node-book.ts has the format). */
import fs from 'node:fs/promises';
import path from 'node:path';
import { formatNodeBook, NODE_BOOK_FILE, NODE_BOOK_FILE_MAX_BYTES, parseNodeBook, type NodeBookState } from './node-book.js';
import { writeFileAtomic } from '../core/atomic-file.js';

export async function readNodeBook(storeDir: string): Promise<NodeBookState> {
  const file = path.join(storeDir, NODE_BOOK_FILE);
  try {
    // A cache: missing, unreadable or oversized means a cold start, never a failed one.
    if ((await fs.stat(file)).size > NODE_BOOK_FILE_MAX_BYTES) return { networkSize: 0, nodes: [] };
    return parseNodeBook(await fs.readFile(file, 'utf8'));
  } catch {
    return { networkSize: 0, nodes: [] };
  }
}

export async function writeNodeBook(storeDir: string, state: NodeBookState): Promise<void> {
  await fs.mkdir(storeDir, { recursive: true });
  await writeFileAtomic(path.join(storeDir, NODE_BOOK_FILE), formatNodeBook(state));
}
