import { IntlMessageFormat } from 'intl-messageformat';
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
    // The argument names anywhere in the message, inside plural/select branches too.
    type Node = { type: number; value?: unknown; options?: Record<string, { value: Node[] }>; children?: Node[] };
    const collect = (nodes: Node[], names: Set<string>): Set<string> => {
      for (const node of nodes) {
        if (node.type !== 0 && node.type !== 7 && typeof node.value === 'string') names.add(node.value);
        for (const option of Object.values(node.options ?? {})) collect(option.value, names);
        if (node.children) collect(node.children, names);
      }
      return names;
    };
    const placeholders = (text: string) =>
      [...collect(new IntlMessageFormat(text, 'en').getAst() as Node[], new Set())].sort();
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
