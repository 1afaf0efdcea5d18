// The resolver text patterns (resolvers/lib/text.ts) are spelled without the regex `u` flag; this checks them,
// code point by code point, against Node's own Unicode property tables, the way util.matches runs them.
import { describe, expect, it } from 'vitest';
import { HANDLE_CHARACTERS, INVISIBLE_ONLY, UUID, WELL_FORMED } from '../resolvers/lib/text.ts';
import { util } from '../src/runtime/appsync/util.ts';

const INVISIBLE = /^[\p{Cf}\p{Default_Ignorable_Code_Point}\p{White_Space}]$/u;
const CONTROL = /^\p{Cc}$/u;
const isSurrogate = (cp: number) => cp >= 0xd800 && cp <= 0xdfff;
/** util.matches compiled once (the same whole-string wrap), for the sweeps over all 1.1 million code points. */
const matcher = (pattern: string) => {
  const re = new RegExp(`^(?:${pattern})$`);
  return (text: string) => re.test(text);
};

describe('text patterns', () => {
  it('INVISIBLE_ONLY matches exactly the format, default-ignorable and white-space code points', () => {
    const wrong: string[] = [];
    const invisibleOnly = matcher(INVISIBLE_ONLY);
    for (let cp = 0; cp <= 0x10ffff; cp += 1) {
      if (isSurrogate(cp)) continue;
      const ch = String.fromCodePoint(cp);
      if (invisibleOnly(ch) !== INVISIBLE.test(ch)) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
  });

  it('INVISIBLE_ONLY needs every character to be invisible, and takes the empty string', () => {
    expect(util.matches(INVISIBLE_ONLY, '\u200B \u2060\uDB40\uDC20')).toBe(true);
    expect(util.matches(INVISIBLE_ONLY, '\u200Bx\u200B')).toBe(false);
    expect(util.matches(INVISIBLE_ONLY, '\uDB40')).toBe(false);
  });

  it('WELL_FORMED accepts every code point and refuses every unpaired surrogate', () => {
    let all = '';
    for (let cp = 0; cp <= 0x10ffff; cp += 0x101) if (!isSurrogate(cp)) all += String.fromCodePoint(cp);
    expect(util.matches(WELL_FORMED, all)).toBe(true);
    for (let unit = 0xd800; unit <= 0xdfff; unit += 1) {
      const lone = String.fromCharCode(unit);
      expect(util.matches(WELL_FORMED, `a${lone}b`)).toBe(false);
      expect(util.matches(WELL_FORMED, lone)).toBe(false);
    }
    expect(util.matches(WELL_FORMED, '\uDC00\uD800')).toBe(false);
  });

  it('HANDLE_CHARACTERS refuses exactly the control characters and lone surrogates', () => {
    const wrong: string[] = [];
    const handleCharacters = matcher(HANDLE_CHARACTERS);
    for (let cp = 0; cp <= 0x10ffff; cp += 1) {
      const ch = isSurrogate(cp) ? String.fromCharCode(cp) : String.fromCodePoint(cp);
      const expected = !isSurrogate(cp) && !CONTROL.test(ch);
      if (handleCharacters(ch) !== expected) wrong.push(cp.toString(16));
    }
    expect(wrong).toEqual([]);
    expect(util.matches(HANDLE_CHARACTERS, '')).toBe(false);
  });

  it('UUID is the shape util.autoId() makes', () => {
    for (let i = 0; i < 100; i += 1) expect(util.matches(UUID, util.autoId())).toBe(true);
    expect(util.matches(UUID, '00000000-0000-4000-8000-00000000000')).toBe(false);
  });

  it('the patterns stay linear: 1,024 characters take well under 50 ms each', () => {
    const worst = ['\u200B'.repeat(1023) + 'x', '\uD83D\uDE00'.repeat(511) + '\uD83D', 'h'.repeat(1024)];
    for (const pattern of [INVISIBLE_ONLY, WELL_FORMED, HANDLE_CHARACTERS]) {
      for (const text of worst) {
        const started = performance.now();
        util.matches(pattern, text);
        expect(performance.now() - started).toBeLessThan(50);
      }
    }
  });
});
