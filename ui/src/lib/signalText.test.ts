import { afterEach, describe, expect, it } from 'vitest';
import { setLocale } from './i18n/i18n.svelte';
import { binLabel, namerFor, reasonText, signalDescription, signalName } from './signalText';
import { APPS_TEXTS, INCOME_TEXTS, signalCatalog } from '../test/fixtures';

afterEach(() => setLocale('en'));

describe('signalText', () => {
  it("picks the reader's language, then English, then the field Rust sent", () => {
    setLocale('hi');
    expect(signalName(INCOME_TEXTS, 'Income from SMS')).toBe('SMS से पता चली आमदनी');
    expect(binLabel(INCOME_TEXTS, '25k_to_50k')).toBe('महीने में ₹25,000 से ₹50,000');
    expect(reasonText(INCOME_TEXTS, 'SMS_INCOME.MISSING', 'x')).toBe('“SMS से पता चली आमदनी” की जानकारी हमें नहीं मिली।');
    // Only English from the lender: English.
    expect(signalName(APPS_TEXTS, 'apps')).toBe('Installed apps');
    expect(binLabel(APPS_TEXTS, 'many_loan_apps')).toBe('Many loan apps');
    // No words at all, or none for this bin or code: what Rust sent.
    expect(signalName({}, 'Location')).toBe('Location');
    expect(signalDescription(undefined, 'Where you are.')).toBe('Where you are.');
    expect(binLabel(INCOME_TEXTS, 'over_50k')).toBe('over_50k');
    expect(reasonText(INCOME_TEXTS, 'NOPE', 'The offer’s text.')).toBe('The offer’s text.');
    setLocale('en');
    expect(signalName(INCOME_TEXTS, 'x')).toBe('Income from SMS');
    expect(binLabel(INCOME_TEXTS, 'missing')).toBe('Not shared');
  });

  it("names a lender's signals from the catalogue; other lenders' and unknown ids stay ids", () => {
    setLocale('hi');
    const name = namerFor(signalCatalog(), 'sandbox');
    expect(name('sms_income')).toBe('SMS से पता चली आमदनी');
    expect(name('location')).toBe('Location');
    expect(name('unknown_signal')).toBe('unknown_signal');
    expect(namerFor(signalCatalog(), 'another-lender')('sms_income')).toBe('sms_income');
    expect(namerFor(undefined, 'sandbox')('sms_income')).toBe('sms_income');
  });
});
