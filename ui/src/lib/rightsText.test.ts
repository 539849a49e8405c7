import { beforeEach, describe, expect, it } from 'vitest';
import { setLocale } from './i18n/i18n.svelte';
import { calendarTexts, clockDetail, clockLine, escalationText } from './rightsText';
import { clock, escalationFacts, notNotifiedClock, overdueGrievance } from '../test/fixtures';

beforeEach(() => setLocale('en'));

describe('rightsText', () => {
  it('words a clock with its deadline and source, or says no period is set', () => {
    expect(clockLine(clock({ overdue: false }))).toBe('Reply due by 19 Nov 2026 — RBI rules, 30 days');
    expect(clockLine(notNotifiedClock())).toBe('No reply period is set for this request yet — DPDP Rules');
    expect(clockDetail(notNotifiedClock())).toBe(
      'Digital Personal Data Protection Rules, 2025, r. 14; checked on 1 Dec 2026. These rules apply from 13 May 2027.',
    );
  });

  it('drafts a complaint to the Data Protection Board from the DPDP clock', () => {
    const text = escalationText(escalationFacts(), 'data_protection_board');
    expect(text).toContain('To: The Data Protection Board of India');
    expect(text).toContain('under section 13 of the Digital Personal Data Protection Act, 2023 (ticket KSL-20261020-00001)');
    // The DPDP's own deadline, not the RBI's.
    expect(text).toContain('they ran out on 18 Jan 2027');
    expect(text).not.toMatch(/GDPR/);
  });

  it('signs a complaint with the borrower from Your details, or says where to add them', () => {
    const signed = escalationText(escalationFacts(), 'rbi_ombudsman', { name: 'Asha Verma', contact: '+91 98765 43210' });
    expect(signed).toContain('Complainant: Asha Verma, +91 98765 43210');
    expect(signed.trimEnd().endsWith('Asha Verma')).toBe(true);
    expect(signed).not.toContain('[Your name');
    const unsigned = escalationText(escalationFacts(), 'rbi_ombudsman');
    expect(unsigned).toContain('Complainant: [Your name: add it under Your details], [Your mobile number or email');
  });

  it('drafts a follow-up naming the regulator that comes next', () => {
    const text = escalationText(escalationFacts(), 'lender_grievance');
    expect(text).toContain('Subject: Reminder — my request of 20 Oct 2026 (ticket KSL-20261020-00001) has no answer');
    expect(text).toContain('Under the RBI rules you should have answered by 19 Nov 2026.');
    expect(text).toContain('I will take the matter further: a complaint to the RBI Ombudsman.');
  });

  it('gives the calendar words only for deadlines that exist, in Hindi too', () => {
    const request = overdueGrievance({ clocks: [clock(), notNotifiedClock()] });
    expect(calendarTexts([request]).map((entry) => entry.clockId)).toEqual(['rbi-ombudsman-30d']);
    setLocale('hi');
    const [hi] = calendarTexts([request]);
    expect(hi.summary).toBe('Sandbox Lender से जवाब की आख़िरी तारीख़: शिकायत');
    expect(escalationText(escalationFacts(), 'rbi_ombudsman')).toContain('सेवा में: रिज़र्व बैंक लोकपाल');
  });
});
