/**
 * A part of the running service (fastify's plugin idea): it mounts what it serves, may start work
 * once the HTTP port is known, and closes what it opened. The composition root (index.ts) builds
 * parts in order and closes them in reverse; a part never closes what it did not create.
 */
import type { Router } from 'express';
import type { StreamRouteOptions } from '../server/stream-route.js';

export interface ServiceApp {
  /** Reachable without pairing, behind the Host check (DLNA descriptions, the keyed add-on). */
  publicRoutes(router: Router): void;
  /** Behind pairing, under /api. */
  apiRoutes(router: Router): void;
  /** Behind pairing: the web remote and its assets. */
  pageRoutes(router: Router): void;
  /** Extra headers on /stream answers (DLNA renderers need transferMode/contentFeatures). */
  streamHeaders(headers: NonNullable<StreamRouteOptions['extraHeaders']>): void;
  /** Serves `/stream/...?transcode=`. */
  transcode(handler: NonNullable<StreamRouteOptions['transcode']>): void;
}

export interface ServicePart {
  readonly name: string;
  register?(app: ServiceApp): void;
  /** After the server listens (the port is known): announcements, background work. */
  listening?(): Promise<void>;
  close(): Promise<void>;
}

/** Closes parts newest first; one failing close does not stop the others. */
export async function closeInReverse(parts: readonly ServicePart[]): Promise<void> {
  for (const part of [...parts].reverse()) {
    await part.close().catch(() => undefined);
  }
}
