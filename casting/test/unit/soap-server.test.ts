import { test } from 'node:test';
import assert from 'node:assert/strict';
import { XMLValidator } from 'fast-xml-parser';
import { MAX_SOAP_BYTES, MAX_SOAP_DEPTH, parseSoapAction, parseSoapActionHeader, parseSoapResponse, soapFault, soapResponse, SoapParseError } from '../../src/soap.js';

const CD = 'urn:schemas-upnp-org:service:ContentDirectory:1';

function browseBody(args: Record<string, string>, action = 'Browse', extra = ''): string {
  const inner = Object.entries(args).map(([k, v]) => `<${k}>${v}</${k}>`).join('');
  return `<?xml version="1.0"?>${extra}<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body><u:${action} xmlns:u="${CD}">${inner}</u:${action}></s:Body></s:Envelope>`;
}

test('parses a Browse request: service type, action, arguments (empty ones too), entities decoded once', () => {
  const body = browseBody({ ObjectID: 't:&lt;x&gt;&amp;amp;&#65;', BrowseFlag: 'BrowseDirectChildren', Filter: '*', StartingIndex: '0', RequestedCount: '10', SortCriteria: '' });
  const a = parseSoapAction(body, `"${CD}#Browse"`);
  assert.equal(a.serviceType, CD);
  assert.equal(a.action, 'Browse');
  assert.deepEqual(a.args, { ObjectID: 't:<x>&amp;A', BrowseFlag: 'BrowseDirectChildren', Filter: '*', StartingIndex: '0', RequestedCount: '10', SortCriteria: '' });
});

test('parses an action with no arguments, self-closed', () => {
  const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:GetSystemUpdateID xmlns:u="${CD}"/></s:Body></s:Envelope>`;
  assert.deepEqual(parseSoapAction(body), { serviceType: CD, action: 'GetSystemUpdateID', args: {} });
});

test('refuses DOCTYPE and ENTITY declarations (no entity expansion), oversize and malformed bodies', () => {
  const laughs = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>';
  assert.throws(() => parseSoapAction(browseBody({ ObjectID: '&lol2;' }, 'Browse', laughs)), (e: unknown) => e instanceof SoapParseError && /DOCTYPE/.test(e.message));
  assert.throws(() => parseSoapAction(browseBody({ ObjectID: '0' }, 'Browse', '<!ENTITY x SYSTEM "file:///etc/passwd">')), SoapParseError);
  assert.throws(() => parseSoapAction(browseBody({ ObjectID: 'x'.repeat(MAX_SOAP_BYTES) })), (e: unknown) => e instanceof SoapParseError && e.status === 413);
  assert.throws(() => parseSoapAction('<s:Envelope><s:Body><u:Browse>'), SoapParseError);
  assert.throws(() => parseSoapAction('<a/>'), /Envelope/);
  assert.throws(() => parseSoapAction(browseBody({ ObjectID: '0' }), `"${CD}#Search"`), /SOAPACTION/);
  // An undeclared entity reference is left as text, never resolved.
  assert.equal(parseSoapAction(browseBody({ ObjectID: '&xxe;' })).args['ObjectID'], '&xxe;');
});

test('SOAPACTION header parsing', () => {
  assert.deepEqual(parseSoapActionHeader(`"${CD}#Browse"`), { serviceType: CD, action: 'Browse' });
  assert.deepEqual(parseSoapActionHeader(`${CD}#Browse`), { serviceType: CD, action: 'Browse' });
  assert.equal(parseSoapActionHeader(undefined), undefined);
  assert.equal(parseSoapActionHeader('nonsense'), undefined);
});

test('responses and faults are well-formed and escape their values', () => {
  const r = soapResponse(CD, 'Browse', [['Result', '<DIDL-Lite>&</DIDL-Lite>'], ['NumberReturned', 1]]);
  assert.equal(XMLValidator.validate(r), true);
  assert.ok(r.includes('<Result>&lt;DIDL-Lite&gt;&amp;&lt;/DIDL-Lite&gt;</Result>'));
  assert.ok(r.includes(`<u:BrowseResponse xmlns:u="${CD}">`));
  const f = soapFault(701, 'no object <x>');
  assert.equal(XMLValidator.validate(f), true);
  assert.ok(f.includes('<errorCode>701</errorCode>') && f.includes('no object &lt;x&gt;'));
});

test('deep nesting and prototype names are refused before any parser runs', () => {
  const deep = (n: number) => browseBody({ ObjectID: `${'<a>'.repeat(n)}${'</a>'.repeat(n)}` });
  assert.throws(() => parseSoapAction(deep(2250)), (e: unknown) => e instanceof SoapParseError && e.status === 400 && /nests \d+ elements deep/.test(e.message));
  assert.throws(() => parseSoapAction(deep(MAX_SOAP_DEPTH)), /nests/);
  assert.doesNotThrow(() => parseSoapAction(deep(MAX_SOAP_DEPTH - 4)), 'an envelope, body and action leave room for a few levels');
  for (const name of ['__proto__', 'constructor', 'prototype']) {
    const body = `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><u:${name} xmlns:u="${CD}"><ObjectID>0</ObjectID></u:${name}></s:Body></s:Envelope>`;
    assert.throws(() => parseSoapAction(body), (e: unknown) => e instanceof SoapParseError && /reserved/.test(e.message), name);
    assert.throws(() => parseSoapAction(browseBody({ [name]: '1' })), /reserved/, `argument ${name}`);
  }
  assert.equal(Object.getPrototypeOf(parseSoapAction(browseBody({ ObjectID: '0' })).args), Object.prototype);
});

test('a fault the device writes is the fault the control point reads', () => {
  assert.deepEqual(parseSoapResponse(soapFault(701, 'no object <x> & "y"'), 'Browse'), { ok: false, faultCode: '701', faultMessage: 'no object <x> & "y"' });
  const answer = parseSoapResponse(soapResponse(CD, 'Browse', [['Result', '<DIDL-Lite/>'], ['NumberReturned', 0]]), 'Browse');
  assert.deepEqual(answer, { ok: true, values: { Result: '<DIDL-Lite/>', NumberReturned: '0' } });
  assert.throws(() => soapResponse(CD, 'Browse"><x', []), /bad SOAP action/);
});
