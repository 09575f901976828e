/**
 * Closes what a test opened, last opened first, on every path: pass, fail, throw or timeout.
 * Register each resource right after it starts, so a later start that fails (Chromium missing,
 * a port taken) still closes the earlier ones and the test process can exit:
 *   const own = closesAfter(t);
 *   const world = own(await startWorld(...));
 *   const browser = own(await openPhoneBrowser(), (b) => b.close());
 */
type Hooks = { after(fn: () => Promise<void>): void };

export type Own = {
  <T extends { close(): unknown }>(resource: T): T;
  <T>(resource: T, close: (resource: T) => unknown): T;
};

export function closesAfter(hooks: Hooks): Own {
  const closers: Array<() => unknown> = [];
  hooks.after(async () => {
    const failures: unknown[] = [];
    for (const close of closers.splice(0).reverse()) {
      try {
        await close();
      } catch (err) {
        failures.push(err);
      }
    }
    if (failures.length > 0) throw new AggregateError(failures, `${failures.length} test resource(s) failed to close`);
  });
  return (<T>(resource: T, close?: (resource: T) => unknown): T => {
    closers.push(() => (close ? close(resource) : (resource as { close(): unknown }).close()));
    return resource;
  }) as Own;
}

/** How long a child gets to close its sockets and files after Ctrl-C before it is killed. */
const CHILD_GRACE_MS = 10_000;

/** Ctrl-C to a child process, SIGKILL after CHILD_GRACE_MS; resolves when it has exited. */
export async function stopChild(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), CHILD_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
