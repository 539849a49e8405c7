import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatDate, formatDateTime, formatInr } from './format';
import { setLocale } from './i18n/i18n.svelte';

afterEach(() => setLocale('en'));

/** 29 Nov 2026, 16:05 in the machine's time zone. */
const AT = new Date(2026, 10, 29, 16, 5).getTime();

describe('format', () => {
  it('writes dates the Indian way: day, month, year', () => {
    expect(formatDate(AT)).toBe('29 Nov 2026');
    expect(formatDateTime(AT)).toBe('29 Nov 2026, 4:05 pm');
    setLocale('hi');
    expect(formatDate(AT)).toBe('29 नवंबर 2026');
    // The 24-hour clock: no Latin am/pm inside a Hindi sentence, and no "को … बजे" of its own.
    expect(formatDateTime(AT)).toBe('29 नवंबर 2026, 16:05');
  });

  it('groups money the Indian way and spells byte units out in Hindi', () => {
    expect(formatInr(100000)).toBe('₹1,00,000');
    expect(formatBytes(12_400)).toBe('12.4 kB');
    setLocale('hi');
    expect(formatInr(100000)).toBe('₹1,00,000');
    expect(formatBytes(12_400)).toBe('12.4 किलोबाइट');
    expect(formatBytes(3_200_000)).toBe('3.2 मेगाबाइट');
  });
});
