/**
 * Accessibility of every screen, in both languages, with axe-core on the rendered DOM. jsdom does
 * no layout, so colour contrast is left to the browser tests; everything structural (names,
 * roles, labels, landmarks, lists, tables, ARIA) is checked here.
 */
import { render, screen } from '@testing-library/svelte';
import axe from 'axe-core';
import { beforeEach, describe, expect, it } from 'vitest';
import App from './App.svelte';
import { setLocale, type Locale } from './lib/i18n/i18n.svelte';
import { go, type View } from './lib/navigation.svelte';
import { mockDemo } from './test/demo';

const screens: ReadonlyArray<[View, string]> = [
  ['home', 'home-offer'],
  ['connect', 'connect-sandbox'],
  ['requests', 'request-submit'],
  ['consents', 'consent-c-1'],
  ['offer', 'contribution-table'],
  ['timeline', 'timeline-total'],
  ['phone', 'phone-sources'],
  ['rights', 'rights-table'],
  ['profile', 'nomination-letter'],
  ['audit', 'audit-summary'],
  ['verify', 'verify-choose'],
  ['export', 'export-start'],
];

beforeEach(() => go('home'));

describe.each<Locale>(['en', 'hi'])('accessibility (%s)', (language) => {
  it.each(screens)('%s has no serious or critical axe violations', async (view, loaded) => {
    setLocale(language);
    mockDemo();
    go(view);
    render(App);
    // Each screen is its own chunk, compiled on first use: on a busy machine that takes seconds.
    await screen.findByTestId(loaded, {}, { timeout: 10_000 });
    const results = await axe.run(document.body, {
      rules: { 'color-contrast': { enabled: false } },
    });
    const serious = results.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    expect(serious).toEqual([]);
    setLocale('en');
  });
});
