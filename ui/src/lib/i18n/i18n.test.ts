import { describe, expect, it } from 'vitest';
import en from './en';
import hi from './hi';
import { setLocale, t } from './i18n.svelte';

describe('i18n', () => {
  it('has a Hindi message for every English key, and no extras', () => {
    expect(Object.keys(hi).sort()).toEqual(Object.keys(en).sort());
    for (const [key, text] of Object.entries(hi)) {
      expect(text.trim(), key).not.toBe('');
    }
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as Array<keyof typeof en>) {
      expect(placeholders(hi[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fills placeholders in the current language', () => {
    setLocale('en');
    expect(t('error.unexpected', { message: 'disk full' })).toBe('Something went wrong: disk full');
    setLocale('hi');
    expect(t('error.unexpected', { message: 'disk full' })).toBe('कुछ गड़बड़ हो गई: disk full');
    setLocale('en');
  });
});
