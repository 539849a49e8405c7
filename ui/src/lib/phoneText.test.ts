import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from './i18n/i18n.svelte';
import { deviceText, formatOffset, offsetChoices, zoneNote } from './phoneText';
import { pageRows } from './timelineRows';
import { disclosure } from '../test/fixtures';
import { androidSource, phoneSource, timelineItem } from '../test/phoneFixtures';

beforeEach(() => setLocale('en'));

describe('phone wording', () => {
  it('writes UTC offsets as people do, both sides of UTC', () => {
    expect(formatOffset(330)).toBe('UTC+05:30');
    expect(formatOffset(345)).toBe('UTC+05:45');
    expect(formatOffset(-210)).toBe('UTC−03:30');
    expect(formatOffset(0)).toBe('UTC');
  });

  it('offers the offsets in use, with this computer’s added when unusual', () => {
    expect(offsetChoices(330)).toContain(330);
    expect(offsetChoices(330).filter((offset) => offset === 330)).toHaveLength(1);
    const odd = offsetChoices(17);
    expect(odd).toContain(17);
    expect(odd).toEqual([...odd].sort((a, b) => a - b));
  });

  it('names the phone where the source says, and says when it does not', () => {
    expect(deviceText(androidSource())).toBe('SM-A515F · Android 13 · R58N123ABC');
    expect(deviceText(phoneSource())).toBe('Not named in the file');
    setLocale('hi');
    expect(deviceText(phoneSource())).toBe('फ़ाइल में नहीं लिखा');
  });

  it('notes the zone only beside times the file gave without one', () => {
    expect(zoneNote(phoneSource())).toBeNull();
    expect(zoneNote(androidSource())).toBe('read in UTC+05:30');
    expect(zoneNote(androidSource({ offsetFrom: 'assumed', utcOffsetMin: -300 }))).toBe('read in UTC−05:00');
    expect(zoneNote(undefined)).toBeNull();
  });
});

describe('timeline rows', () => {
  it('merges a page’s declarations and observations newest first, a declaration first on a tie', () => {
    const newer = disclosure(1);
    const older = disclosure(3);
    const between = timelineItem({ firstAt: disclosure(2).collectedAt });
    const tie = timelineItem({ firstAt: older.collectedAt });
    const rows = pageRows([newer, older], [tie, between]);
    expect(rows.map((row) => row.origin)).toEqual(['lender', 'phone', 'lender', 'phone']);
    expect(rows[1]).toMatchObject({ origin: 'phone', seen: between });
    expect(rows[3]).toMatchObject({ origin: 'phone', seen: tie });
  });
});
