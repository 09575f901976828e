/**
 * What each UPnP control action answers, pure: a parsed SOAP action in, a SOAP body and HTTP
 * status out. Only reading actions exist; anything that would change state is refused.
 */
import { browse, parseBrowseArgs, type BrowseContext, type CatalogSnapshot } from './content-directory.js';
import { protocolInfoFor, soapFault, soapResponse, UPNP_ERRORS, UpnpError, type SoapAction } from '@torrent-live/casting';
import { CONNECTION_MANAGER_TYPE, CONTENT_DIRECTORY_TYPE } from './upnp-descriptions.js';

export interface ControlReply {
  status: 200 | 500;
  body: string;
}

/** Optional ContentDirectory:1 actions this server deliberately does not implement (602). */
const OPTIONAL_CD_ACTIONS = new Set([
  'Search', 'CreateObject', 'DestroyObject', 'UpdateObject', 'ImportResource', 'ExportResource',
  'StopTransferResource', 'GetTransferProgress', 'DeleteResource', 'CreateReference',
]);
/** Optional ConnectionManager:1 actions (a server that only serves HTTP has no connections to make). */
const OPTIONAL_CM_ACTIONS = new Set(['PrepareForConnection', 'ConnectionComplete']);

/** MIME types a client may expect from us, for GetProtocolInfo's Source list. */
export const SOURCE_MIME_TYPES = [
  'video/mp4', 'video/x-matroska', 'video/webm', 'video/x-msvideo', 'video/quicktime', 'video/mp2t', 'video/mpeg',
  'audio/mpeg', 'audio/mp4', 'audio/flac', 'audio/ogg', 'audio/wav',
] as const;

export function contentDirectoryControl(action: SoapAction, snapshot: CatalogSnapshot, ctx: BrowseContext): ControlReply {
  return guarded(() => {
    switch (action.action) {
      case 'Browse': {
        const r = browse(snapshot, parseBrowseArgs(action.args), ctx);
        return ok(CONTENT_DIRECTORY_TYPE, 'Browse', [
          ['Result', r.result],
          ['NumberReturned', r.numberReturned],
          ['TotalMatches', r.totalMatches],
          ['UpdateID', r.updateId],
        ]);
      }
      case 'GetSystemUpdateID':
        return ok(CONTENT_DIRECTORY_TYPE, 'GetSystemUpdateID', [['Id', snapshot.updateId]]);
      case 'GetSearchCapabilities':
        return ok(CONTENT_DIRECTORY_TYPE, 'GetSearchCapabilities', [['SearchCaps', '']]);
      case 'GetSortCapabilities':
        return ok(CONTENT_DIRECTORY_TYPE, 'GetSortCapabilities', [['SortCaps', '']]);
      default:
        throw unknownAction(action.action, OPTIONAL_CD_ACTIONS, 'ContentDirectory');
    }
  });
}

export function connectionManagerControl(action: SoapAction): ControlReply {
  return guarded(() => {
    switch (action.action) {
      case 'GetProtocolInfo':
        return ok(CONNECTION_MANAGER_TYPE, 'GetProtocolInfo', [
          ['Source', SOURCE_MIME_TYPES.map((t) => protocolInfoFor(t)).join(',')],
          ['Sink', ''],
        ]);
      case 'GetCurrentConnectionIDs':
        return ok(CONNECTION_MANAGER_TYPE, 'GetCurrentConnectionIDs', [['ConnectionIDs', '0']]);
      case 'GetCurrentConnectionInfo': {
        // Without PrepareForConnection there is only the default connection 0 (CM:1 §2.4.4).
        if (action.args['ConnectionID'] !== '0') {
          throw new UpnpError(UPNP_ERRORS.INVALID_CONNECTION_REFERENCE, `no connection ${action.args['ConnectionID'] ?? '(missing)'}`);
        }
        return ok(CONNECTION_MANAGER_TYPE, 'GetCurrentConnectionInfo', [
          ['RcsID', -1], ['AVTransportID', -1], ['ProtocolInfo', ''], ['PeerConnectionManager', ''],
          ['PeerConnectionID', -1], ['Direction', 'Output'], ['Status', 'OK'],
        ]);
      }
      default:
        throw unknownAction(action.action, OPTIONAL_CM_ACTIONS, 'ConnectionManager');
    }
  });
}

function unknownAction(name: string, optional: ReadonlySet<string>, service: string): UpnpError {
  return optional.has(name)
    ? new UpnpError(UPNP_ERRORS.OPTIONAL_ACTION_NOT_IMPLEMENTED, `${service} ${name} is not implemented: this server only browses`)
    : new UpnpError(UPNP_ERRORS.INVALID_ACTION, `${service} has no action ${name}`);
}

function ok(serviceType: string, action: string, values: ReadonlyArray<readonly [string, string | number]>): ControlReply {
  return { status: 200, body: soapResponse(serviceType, action, values) };
}

function guarded(run: () => ControlReply): ControlReply {
  try {
    return run();
  } catch (err) {
    if (err instanceof UpnpError) return { status: 500, body: soapFault(err.code, err.message) };
    throw err;
  }
}
