/** The casting library: discover TVs (Chromecast over mDNS, DLNA over SSDP) and drive them. Imports nothing from src/. */
export type {
  DeviceKind, DeviceInfo, SubtitleTrack, MediaSpec, CastState, CastStatus, CastTarget, Discovery, DiscoveryOptions, IgnoredAnswer, CastErrorCode,
} from './types.js';
export { CastError, isCastError } from './types.js';
export { startDiscovery } from './discovery.js';
export { connect } from './connect.js';
export { dlnaStreamHeaders } from './dlna-profile.js';
export { srtToVtt } from './srt.js';
export { pickInterfaceAddress, externalIpv4, onLinkOf, sameSubnet } from './interfaces.js';
export { SourceBudget, type SourceBudgetOptions } from './source-budget.js';
// UPnP primitives the service's own DLNA media server shares with the renderer side.
export { escapeXml, unescapeXml, stripInvalidXmlChars } from './xml-safe.js';
export { parseSsdpMessage, SSDP_ADDRESS, SSDP_PORT, type SsdpMessage } from './ssdp-message.js';
export { DLNA_FLAGS_STREAMING } from './dlna-profile.js';
export { formatHms } from './status-map.js';
