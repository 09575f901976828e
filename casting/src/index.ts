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
// UPnP primitives, both roles (this library's renderer side and the service's media server).
export {
  parseXmlSafe, checkXmlPolicy, maxNestingDepth, XmlRejected, escapeXml, unescapeXml, stripInvalidXmlChars, child, children, text, textAt,
  DEFAULT_XML_MAX_BYTES, DEFAULT_XML_MAX_DEPTH, type XmlNode, type XmlValue, type XmlParseOptions, type XmlRejectedReason,
} from './xml-safe.js';
export {
  parseSsdpMessage, parseSsdpAnswer, parseSsdpNotify, buildMSearch, udnFromUsn, parseSearchRequest, buildSearchResponse, buildNotify,
  SSDP_ADDRESS, SSDP_PORT, MEDIA_RENDERER, MAX_SSDP_MESSAGE, MAX_SSDP_AMPLIFICATION,
  type SsdpMessage, type SsdpAnswer, type SsdpNotify, type SsdpAdvertisement, type SsdpIdentity,
} from './ssdp-message.js';
export {
  buildSoapRequest, parseSoapResponse, parseSoapAction, parseSoapActionHeader, soapResponse, soapFault, SoapParseError, UpnpError, UPNP_ERRORS,
  MAX_SOAP_BYTES, MAX_SOAP_DEPTH, SERVICE_AV_TRANSPORT, SERVICE_RENDERING_CONTROL, SERVICE_CONNECTION_MANAGER, SERVICE_CONTENT_DIRECTORY,
  type SoapRequest, type SoapResult, type SoapAction, type SoapArgs,
} from './soap.js';
export { didlLite, buildDidlLite, upnpClassOf, MAX_DIDL_RESOURCES, MAX_DIDL_SUBTITLES, type DidlObject, type DidlContainer, type DidlItem, type DidlResource, type UpnpItemClass } from './didl.js';
export { protocolInfoFor, dlnaFeatures, dlnaProfileFor, DLNA_FLAGS_STREAMING, DLNA_FLAGS_INTERACTIVE } from './dlna-profile.js';
export { parseProtocolInfoList, sinkAccepts, type ProtocolInfo } from './protocol-info.js';
export { formatHms, parseHms } from './status-map.js';
