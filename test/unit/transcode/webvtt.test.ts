import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatVttTimestamp, MAX_BLOCK_CHARS, MAX_CUE_CHARS, normalizeVtt, parseCueBlock, parseVttTimestamp, REPAIR_SECONDS, VttNormalizer } from '../../../src/transcode/webvtt.js';

test('timestamps: both WebVTT forms and SubRip commas; nonsense refused', () => {
  assert.equal(parseVttTimestamp('00:04.021'), 4.021);
  assert.equal(parseVttTimestamp('01:02:03.5'), 3723.5);
  assert.equal(parseVttTimestamp('00:00:01,25'), 1.25);
  for (const bad of ['', '4.021', '00:61.000', 'aa:bb.ccc', '00:00:00.0000', '-00:01.000']) assert.equal(parseVttTimestamp(bad), undefined, bad);
  assert.equal(formatVttTimestamp(3723.5), '01:02:03.500');
  assert.equal(formatVttTimestamp(4.0214), '00:00:04.021');
  assert.equal(formatVttTimestamp(-3), '00:00:00.000');
});

test('ffmpeg output becomes clean WebVTT with the same cues', () => {
  const ffmpeg = 'WEBVTT\n\n00:04.021 --> 00:06.521\nHello from the <i>middle</i>\n\n00:14.021 --> 00:15.021 align:start position:10%\nSecond cue\n';
  assert.equal(normalizeVtt(ffmpeg), 'WEBVTT\n\n00:00:04.021 --> 00:00:06.521\nHello from the <i>middle</i>\n\n00:00:14.021 --> 00:00:15.021 align:start position:10%\nSecond cue\n\n');
});

test('SubRip as ffmpeg writes it (numbered, commas) becomes the same WebVTT', () => {
  const srt = '1\n00:00:04,021 --> 00:00:06,521\nHello from the <i>middle</i>\n\n2\n00:00:14,021 --> 00:00:15,021\nSecond cue\n\n';
  assert.equal(normalizeVtt(srt), 'WEBVTT\n\n00:00:04.021 --> 00:00:06.521\nHello from the <i>middle</i>\n\n00:00:14.021 --> 00:00:15.021\nSecond cue\n\n');
  const n = new VttNormalizer();
  assert.equal(n.push('1\n00:00:04,021 --> 00:00:06,521\nHello\n\n'), 'WEBVTT\n\n00:00:04.021 --> 00:00:06.521\nHello\n\n', 'a cue is out as soon as SubRip ends it');
});

test('broken timing is repaired, junk blocks dropped, "-->" in text neutralised, sizes bounded', () => {
  assert.deepEqual(parseCueBlock('7\n00:00:10.000 --> 00:00:09.000\nbackwards'), { start: 10, end: 10 + REPAIR_SECONDS, settings: '', text: 'backwards' });
  assert.equal(parseCueBlock('00:00:10.000 --> 00:00:10.000\nzero')!.end, 10 + REPAIR_SECONDS);
  assert.equal(parseCueBlock('00:00:10.000 --> soon\nno end')!.end, 10 + REPAIR_SECONDS);
  assert.equal(parseCueBlock('garbage --> 00:00:01.000\nx'), undefined);
  assert.equal(parseCueBlock('a\nb\n00:00:01.000 --> 00:00:02.000\ntoo many id lines'), undefined);
  assert.equal(parseCueBlock('00:00:01.000 --> 00:00:02.000\n   '), undefined, 'an empty cue is no cue');
  assert.equal(parseCueBlock('00:00:01.000 --> 00:00:02.000 evil<script> line:0\nx')!.settings, 'line:0');
  assert.equal(parseCueBlock('00:00:01.000 --> 00:00:02.000\nA --> B\u0001')!.text, 'A → B');
  assert.equal(parseCueBlock(`00:00:01.000 --> 00:00:02.000\n${'x'.repeat(MAX_CUE_CHARS * 3)}`)!.text.length, MAX_CUE_CHARS);
  const n = new VttNormalizer();
  assert.equal(n.push('y'.repeat(MAX_BLOCK_CHARS + 1)), 'WEBVTT\n\n');
  assert.equal(n.dropped, 1, 'a block with no end is thrown away, not kept growing');
  assert.equal(n.push('\n\n00:00:01.000 --> 00:00:02.000\nafter\n\n'), '00:00:01.000 --> 00:00:02.000\nafter\n\n');
  assert.equal(n.cues, 1);
});

test('incremental: cues come out as soon as their block ends, whatever the chunking', () => {
  const text = 'WEBVTT\r\n\r\n00:01.000 --> 00:02.000\r\none\r\n\r\n00:03.000 --> 00:04.000\r\ntwo\r\n\r\n00:05.000 --> 00:06.000\r\nthree';
  const whole = normalizeVtt(text);
  for (const size of [1, 3, 7, 64]) {
    const n = new VttNormalizer();
    let out = '';
    let afterFirstCue = '';
    for (let i = 0; i < text.length; i += size) {
      out += n.push(text.slice(i, i + size));
      if (!afterFirstCue && out.includes('one\n\n')) afterFirstCue = out;
    }
    assert.ok(afterFirstCue && !afterFirstCue.includes('two'), `size ${size}: the first cue did not wait for the rest`);
    assert.equal(out + n.end(), whole, `chunks of ${size}`);
  }
  assert.equal(normalizeVtt(''), 'WEBVTT\n\n', 'no cues is still a valid file');
});

test('linear: a chunk of a hundred thousand tiny blocks is cut in one pass', () => {
  const junk = 'x\n\n'.repeat(100_000) + '00:00:01.000 --> 00:00:02.000\nlast\n\n';
  const n = new VttNormalizer();
  const started = process.hrtime.bigint();
  const out = n.push(junk);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  assert.equal(out, 'WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nlast\n\n');
  assert.equal(n.dropped, 100_000);
  assert.ok(ms < 1_000, `took ${ms} ms`);
});
