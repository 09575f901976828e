/**
 * The UPnP documents a control point fetches before browsing: the MediaServer:1 device
 * description and the ContentDirectory:1 / ConnectionManager:1 service descriptions (SCPD). Pure.
 */
import { escapeXml } from '@torrent-live/casting';

export const MEDIA_SERVER_TYPE = 'urn:schemas-upnp-org:device:MediaServer:1';
export const CONTENT_DIRECTORY_TYPE = 'urn:schemas-upnp-org:service:ContentDirectory:1';
export const CONNECTION_MANAGER_TYPE = 'urn:schemas-upnp-org:service:ConnectionManager:1';

export const DLNA_PATHS = {
  description: '/dlna/description.xml',
  contentDirectoryScpd: '/dlna/ContentDirectory.xml',
  connectionManagerScpd: '/dlna/ConnectionManager.xml',
  contentDirectoryControl: '/dlna/control/ContentDirectory',
  connectionManagerControl: '/dlna/control/ConnectionManager',
  contentDirectoryEvents: '/dlna/events/ContentDirectory',
  connectionManagerEvents: '/dlna/events/ConnectionManager',
} as const;

export function deviceDescription(opts: { udn: string; friendlyName: string; version: string }): string {
  const service = (type: string, id: string, scpd: string, control: string, events: string): string =>
    `<service><serviceType>${type}</serviceType><serviceId>urn:upnp-org:serviceId:${id}</serviceId>` +
    `<SCPDURL>${scpd}</SCPDURL><controlURL>${control}</controlURL><eventSubURL>${events}</eventSubURL></service>`;
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:dlna="urn:schemas-dlna-org:device-1-0">' +
    '<specVersion><major>1</major><minor>0</minor></specVersion><device>' +
    `<deviceType>${MEDIA_SERVER_TYPE}</deviceType><dlna:X_DLNADOC>DMS-1.50</dlna:X_DLNADOC>` +
    `<friendlyName>${escapeXml(opts.friendlyName)}</friendlyName><manufacturer>torrent-live</manufacturer>` +
    `<modelName>torrent-live</modelName><modelNumber>${escapeXml(opts.version)}</modelNumber><UDN>${escapeXml(opts.udn)}</UDN>` +
    '<serviceList>' +
    service(CONTENT_DIRECTORY_TYPE, 'ContentDirectory', DLNA_PATHS.contentDirectoryScpd, DLNA_PATHS.contentDirectoryControl, DLNA_PATHS.contentDirectoryEvents) +
    service(CONNECTION_MANAGER_TYPE, 'ConnectionManager', DLNA_PATHS.connectionManagerScpd, DLNA_PATHS.connectionManagerControl, DLNA_PATHS.connectionManagerEvents) +
    '</serviceList></device></root>'
  );
}

type Arg = readonly [name: string, direction: 'in' | 'out', stateVariable: string];
type StateVariable = readonly [name: string, dataType: string, allowed?: readonly string[] | undefined, sendEvents?: boolean];

function scpd(actions: ReadonlyArray<readonly [string, readonly Arg[]]>, variables: readonly StateVariable[]): string {
  const actionXml = actions
    .map(
      ([name, args]) =>
        `<action><name>${name}</name><argumentList>` +
        args.map(([n, d, v]) => `<argument><name>${n}</name><direction>${d}</direction><relatedStateVariable>${v}</relatedStateVariable></argument>`).join('') +
        '</argumentList></action>',
    )
    .join('');
  const varXml = variables
    .map(
      ([name, type, allowed, events]) =>
        `<stateVariable sendEvents="${events ? 'yes' : 'no'}"><name>${name}</name><dataType>${type}</dataType>` +
        (allowed ? `<allowedValueList>${allowed.map((a) => `<allowedValue>${a}</allowedValue>`).join('')}</allowedValueList>` : '') +
        '</stateVariable>',
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="utf-8"?>\n<scpd xmlns="urn:schemas-upnp-org:service-1-0"><specVersion><major>1</major><minor>0</minor></specVersion>' +
    `<actionList>${actionXml}</actionList><serviceStateTable>${varXml}</serviceStateTable></scpd>`
  );
}

/** Only the required actions: Browse and its companions. No Search, no object creation. */
export const CONTENT_DIRECTORY_SCPD = scpd(
  [
    ['GetSearchCapabilities', [['SearchCaps', 'out', 'SearchCapabilities']]],
    ['GetSortCapabilities', [['SortCaps', 'out', 'SortCapabilities']]],
    ['GetSystemUpdateID', [['Id', 'out', 'SystemUpdateID']]],
    [
      'Browse',
      [
        ['ObjectID', 'in', 'A_ARG_TYPE_ObjectID'],
        ['BrowseFlag', 'in', 'A_ARG_TYPE_BrowseFlag'],
        ['Filter', 'in', 'A_ARG_TYPE_Filter'],
        ['StartingIndex', 'in', 'A_ARG_TYPE_Index'],
        ['RequestedCount', 'in', 'A_ARG_TYPE_Count'],
        ['SortCriteria', 'in', 'A_ARG_TYPE_SortCriteria'],
        ['Result', 'out', 'A_ARG_TYPE_Result'],
        ['NumberReturned', 'out', 'A_ARG_TYPE_Count'],
        ['TotalMatches', 'out', 'A_ARG_TYPE_Count'],
        ['UpdateID', 'out', 'A_ARG_TYPE_UpdateID'],
      ],
    ],
  ],
  [
    ['SearchCapabilities', 'string'],
    ['SortCapabilities', 'string'],
    ['SystemUpdateID', 'ui4', undefined, true],
    ['A_ARG_TYPE_ObjectID', 'string'],
    ['A_ARG_TYPE_BrowseFlag', 'string', ['BrowseMetadata', 'BrowseDirectChildren']],
    ['A_ARG_TYPE_Filter', 'string'],
    ['A_ARG_TYPE_Index', 'ui4'],
    ['A_ARG_TYPE_Count', 'ui4'],
    ['A_ARG_TYPE_SortCriteria', 'string'],
    ['A_ARG_TYPE_Result', 'string'],
    ['A_ARG_TYPE_UpdateID', 'ui4'],
  ],
);

export const CONNECTION_MANAGER_SCPD = scpd(
  [
    ['GetProtocolInfo', [['Source', 'out', 'SourceProtocolInfo'], ['Sink', 'out', 'SinkProtocolInfo']]],
    ['GetCurrentConnectionIDs', [['ConnectionIDs', 'out', 'CurrentConnectionIDs']]],
    [
      'GetCurrentConnectionInfo',
      [
        ['ConnectionID', 'in', 'A_ARG_TYPE_ConnectionID'],
        ['RcsID', 'out', 'A_ARG_TYPE_RcsID'],
        ['AVTransportID', 'out', 'A_ARG_TYPE_AVTransportID'],
        ['ProtocolInfo', 'out', 'A_ARG_TYPE_ProtocolInfo'],
        ['PeerConnectionManager', 'out', 'A_ARG_TYPE_ConnectionManager'],
        ['PeerConnectionID', 'out', 'A_ARG_TYPE_ConnectionID'],
        ['Direction', 'out', 'A_ARG_TYPE_Direction'],
        ['Status', 'out', 'A_ARG_TYPE_ConnectionStatus'],
      ],
    ],
  ],
  [
    ['SourceProtocolInfo', 'string', undefined, true],
    ['SinkProtocolInfo', 'string', undefined, true],
    ['CurrentConnectionIDs', 'string', undefined, true],
    ['A_ARG_TYPE_ConnectionStatus', 'string', ['OK', 'ContentFormatMismatch', 'InsufficientBandwidth', 'UnreliableChannel', 'Unknown']],
    ['A_ARG_TYPE_ConnectionManager', 'string'],
    ['A_ARG_TYPE_Direction', 'string', ['Input', 'Output']],
    ['A_ARG_TYPE_ProtocolInfo', 'string'],
    ['A_ARG_TYPE_ConnectionID', 'i4'],
    ['A_ARG_TYPE_AVTransportID', 'i4'],
    ['A_ARG_TYPE_RcsID', 'i4'],
  ],
);
