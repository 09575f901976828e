/**
 * The DLNA media server's HTTP side: device description, service descriptions and SOAP control.
 * Public (behind the Host check only): DLNA clients cannot carry a pairing token. It only reads
 * the catalog; the `res` URLs it hands out carry per-file stream tokens.
 */
import os from 'node:os';
import express, { type ErrorRequestHandler, type Request, type Response } from 'express';
import type { Catalog } from '../core/catalog.js';
import { baseUrlOf } from '../server/api.js';
import { contentDirectoryControl, connectionManagerControl, type ControlReply } from './dlna-control.js';
import { MAX_SOAP_BYTES, parseSoapAction, soapFault, SoapParseError, UPNP_ERRORS } from '@torrent-live/casting';
import { CONNECTION_MANAGER_SCPD, CONTENT_DIRECTORY_SCPD, DLNA_PATHS, deviceDescription } from './upnp-descriptions.js';
import { PACKAGE_VERSION } from '../version.js';
import type { ProbeResult } from '../transcode/probe.js';

export type AdapterLog = (event: string, fields: Record<string, unknown>) => void;

export interface DlnaRouterOptions {
  catalog: Catalog;
  streamUrl(baseUrl: string, infoHash: string, fileIndex: number): string;
  udn: string;
  friendlyName?: string;
  /** The base URL clients reach this server by; default: from the request's Host. */
  baseUrl?: (req: Request) => string;
  durationOf?: (infoHash: string, fileIndex: number) => number | undefined;
  probeOf?: (infoHash: string, fileIndex: number) => ProbeResult | undefined;
  log?: AdapterLog;
}

const XML = 'text/xml; charset="utf-8"';

/**
 * Two instances on one host must not look alike on a TV: the HTTP port tells them apart (the
 * description is served on it), and --dlna-name replaces the whole name.
 */
export function defaultFriendlyName(httpPort: number, hostname = os.hostname()): string {
  return `torrent-live (${hostname}:${httpPort})`;
}

export function dlnaRouter(opts: DlnaRouterOptions): express.Router {
  const router = express.Router();
  const baseOf = opts.baseUrl ?? baseUrlOf;
  // Built per request: the default name carries the port the description is served on.
  const description = (req: Request): string =>
    deviceDescription({ udn: opts.udn, friendlyName: opts.friendlyName ?? defaultFriendlyName(req.socket.localPort ?? 0), version: PACKAGE_VERSION });
  const sendXml = (res: Response, body: string, status = 200): void => {
    res.status(status).set({ 'Content-Type': XML, 'Cache-Control': 'no-store', EXT: '' }).send(body);
  };

  router.get(DLNA_PATHS.description, (req, res) => sendXml(res, description(req)));
  router.get(DLNA_PATHS.contentDirectoryScpd, (_req, res) => sendXml(res, CONTENT_DIRECTORY_SCPD));
  router.get(DLNA_PATHS.connectionManagerScpd, (_req, res) => sendXml(res, CONNECTION_MANAGER_SCPD));

  const soapBody = express.text({ type: () => true, limit: MAX_SOAP_BYTES });
  const control = (run: (req: Request) => ControlReply) => (req: Request, res: Response) => {
    try {
      const reply = run(req);
      sendXml(res, reply.body, reply.status);
    } catch (err) {
      // A control point understands SOAP faults, never a JSON or HTML error: whatever failed
      // answers as one.
      if (!(err instanceof SoapParseError)) {
        opts.log?.('dlna_action_failed', { remote: req.socket.remoteAddress, reason: err instanceof Error ? err.message : String(err) });
        return sendXml(res, soapFault(UPNP_ERRORS.ACTION_FAILED, 'the action failed'), 500);
      }
      opts.log?.('dlna_bad_soap', { remote: req.socket.remoteAddress, reason: err.message });
      sendXml(res, soapFault(UPNP_ERRORS.INVALID_ACTION, err.message), err.status === 413 ? 413 : 400);
    }
  };
  const actionOf = (req: Request) => parseSoapAction(typeof req.body === 'string' ? req.body : '', req.get('soapaction'));
  router.post(
    DLNA_PATHS.contentDirectoryControl,
    soapBody,
    control((req) => {
      const action = actionOf(req);
      const base = baseOf(req);
      opts.log?.('dlna_action', { remote: req.socket.remoteAddress, service: 'ContentDirectory', action: action.action, objectId: action.args['ObjectID'] });
      return contentDirectoryControl(
        action,
        { torrents: opts.catalog.list(base), updateId: opts.catalog.updateId },
        { urlFor: (h, i) => opts.streamUrl(base, h, i), ...(opts.durationOf ? { durationOf: opts.durationOf } : {}), ...(opts.probeOf ? { probeOf: opts.probeOf } : {}) },
      );
    }),
  );
  router.post(DLNA_PATHS.connectionManagerControl, soapBody, control((req) => connectionManagerControl(actionOf(req))));

  // Eventing is not implemented: browsing clients poll SystemUpdateID instead. Saying so
  // plainly (501) lets a control point fall back rather than wait for events that never come.
  router.all([DLNA_PATHS.contentDirectoryEvents, DLNA_PATHS.connectionManagerEvents], (_req, res) => {
    res.status(501).set('Cache-Control', 'no-store').end();
  });

  const tooLarge: ErrorRequestHandler = (err: { type?: string }, req, res, next) => {
    if (!req.path.startsWith('/dlna/control/')) return next(err);
    if (err.type === 'entity.too.large') return sendXml(res, soapFault(UPNP_ERRORS.INVALID_ARGS, `the SOAP body is larger than ${MAX_SOAP_BYTES} bytes`), 413);
    sendXml(res, soapFault(UPNP_ERRORS.ACTION_FAILED, 'the request could not be read'), 400);
  };
  router.use(tooLarge);
  return router;
}
