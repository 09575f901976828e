/**
 * Serves the browser code of the web remote: each `src/web/client/<name>.ts` is turned into an
 * ES module by esbuild's per-file transform on first request and kept in memory. No bundle and
 * no build step: the browser resolves the `./x.js` imports itself, the same names tsc checks.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { transform } from 'esbuild';

/** Module names are plain kebab-case words: nothing that could climb out of the folder. */
const MODULE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export interface ClientModule {
  code: string;
  etag: string;
}

export class ClientModules {
  readonly #dir: string;
  readonly #cache = new Map<string, { mtimeMs: number; module: ClientModule }>();

  constructor(dir: string) {
    this.#dir = dir;
  }

  /** The compiled module, or undefined when no such source file exists. */
  async get(name: string): Promise<ClientModule | undefined> {
    if (!MODULE_NAME.test(name)) return undefined;
    const path = join(this.#dir, `${name}.ts`);
    let mtimeMs: number;
    try {
      mtimeMs = (await stat(path)).mtimeMs;
    } catch {
      return undefined;
    }
    const cached = this.#cache.get(name);
    if (cached && cached.mtimeMs === mtimeMs) return cached.module;
    const source = await readFile(path, 'utf8');
    const result = await transform(source, {
      loader: 'ts',
      format: 'esm',
      target: 'es2022',
      sourcefile: `${name}.ts`,
      sourcemap: 'inline',
    });
    const module = { code: result.code, etag: `"${name}-${Math.floor(mtimeMs)}"` };
    this.#cache.set(name, { mtimeMs, module });
    return module;
  }
}
