import { beforeEach, describe, expect, it } from 'vitest';
import dpvEn from './dpv.en';
import dpvHi from './dpv.hi';
import { dpvLabel, setLocale } from './i18n.svelte';

beforeEach(() => setLocale('en'));

describe('DPV categories in plain words', () => {
  it('has Hindi words for every English one', () => {
    // The Rust tests of the sandbox catalogue and the phone mappings check every term they
    // use has English words here (`every_dpv_term_has_words_in_the_ui`).
    expect(Object.keys(dpvHi).sort()).toEqual(Object.keys(dpvEn).sort());
    expect(Object.keys(dpvEn).length).toBeGreaterThanOrEqual(34);
  });

  it('words a term, and shows a term it does not know as it came', () => {
    expect(dpvLabel('pd:Income')).toBe('Income');
    expect(dpvLabel('pd:DeviceApplications')).toBe('Apps on your phone');
    expect(dpvLabel('pd:SomethingNew')).toBe('pd:SomethingNew');
    setLocale('hi');
    expect(dpvLabel('pd:Income')).toBe('आमदनी');
    for (const words of Object.values(dpvHi)) expect(words).not.toMatch(/[A-Za-z]{4,}/u);
  });
});
