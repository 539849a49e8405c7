import { beforeEach, describe, expect, it } from 'vitest';
import type { Notice } from './bindings/Notice';
import { setLocale } from './i18n/i18n.svelte';
import { deliverNotices, noticeText } from './notices';
import { appSettings } from '../test/fixtures';
import { mockCommands } from '../test/ipc';

beforeEach(() => setLocale('en'));

const after: Notice = {
  id: 7,
  kind: 'collection-after-revocation',
  params: { lender: 'Sandbox Lender', signal: 'SMS income', rule: 'collected-after-revocation', count: '3' },
};

describe('notices', () => {
  it('words each kind with the lender named, in English and Hindi', () => {
    expect(noticeText(after)).toEqual({
      title: 'Sandbox Lender collected after you revoked',
      body: 'Sandbox Lender collected “SMS income” after your revocation took effect. See the audit for the proof.',
    });
    const overdue = noticeText({
      id: 1,
      kind: 'request-overdue',
      params: { lender: 'QuickRupee', kind: 'erasure', dueAt: String(Date.UTC(2026, 10, 29, 6)) },
    });
    expect(overdue.body).toBe('Your request was due on 29 Nov 2026.');
    const finding = noticeText({ id: 2, kind: 'new-finding', params: { lender: 'QuickRupee', rule: 'prohibited-signal' } });
    expect(finding.title).toBe('New problem found with QuickRupee');
    expect(finding.body).not.toContain('prohibited-signal');
    setLocale('hi');
    expect(noticeText(after).title).toBe('Sandbox Lender ने सहमति वापस लेने के बाद जानकारी ली');
    expect(noticeText({ id: 3, kind: 'receipt-confirmed', params: { lender: 'A', action: 'pause' } }).body).toContain(
      'रोकने',
    );
  });

  it('sends a notification per notice when they are on, and acknowledges them either way', async () => {
    const calls = mockCommands({
      app_settings: appSettings(),
      'plugin:notification|notify': null,
      acknowledge_notices: null,
    });
    await deliverNotices([after]);
    const sent = calls.filter((call) => call.command === 'plugin:notification|notify');
    expect(sent.map((call) => call.args)).toEqual([{ options: noticeText(after) }]);
    expect(calls.find((call) => call.command === 'acknowledge_notices')?.args).toEqual({ ids: [7] });

    const quiet = mockCommands({ app_settings: appSettings({ notifications: false }), acknowledge_notices: null });
    await deliverNotices([after]);
    expect(quiet.map((call) => call.command)).toEqual(['app_settings', 'acknowledge_notices']);
  });
});
