/**
 * Notices from the shell (`khata://notices`): what is new since Khata last looked, as a kind and
 * parameters after each sync or phone import. The window words each in the borrower's language
 * and shows it as an OS notification (the notification plugin's `notify`, the one plugin
 * command the window's capability grants), when the borrower has notifications on; then tells
 * the shell they were handled, so they are not handed out again. Until then they stay in the
 * vault: a notice that arrives before this listens, or while the app stops, comes again.
 */
import { invoke } from '@tauri-apps/api/core';
import { listen } from '@tauri-apps/api/event';
import { api } from './api';
import type { Notice } from './bindings/Notice';
import { formatDate } from './format';
import { t, tOr } from './i18n/i18n.svelte';

export const NOTICES_EVENT = 'khata://notices';

/** A notice's title and body in the current language. */
export function noticeText(notice: Notice): { title: string; body: string } {
  const p = notice.params;
  const lender = p.lender ?? '';
  const date = (ms: string | undefined) => (ms ? formatDate(Number(ms)) : '');
  switch (notice.kind) {
    case 'collection-after-revocation':
      return {
        title: t('notify.title.collection-after-revocation', { lender }),
        body: t('notify.body.collection-after-revocation', { lender, signal: p.signal ?? 'none' }),
      };
    case 'new-finding':
      return {
        title: t('notify.title.new-finding', { lender }),
        body: t('notify.body.new-finding', { rule: tOr(`audit.rule.${p.rule}`, p.rule ?? '') }),
      };
    case 'receipt-confirmed':
      return {
        title: t('notify.title.receipt-confirmed', { lender }),
        body: t('notify.body.receipt-confirmed', { action: p.action ?? 'revoke' }),
      };
    case 'receipt-contradicted':
      return {
        title: t('notify.title.receipt-contradicted', { lender }),
        body: t('notify.body.receipt-contradicted'),
      };
    case 'request-overdue':
      return {
        title: t('notify.title.request-overdue', { lender }),
        body: t('notify.body.request-overdue', { due: date(p.dueAt) }),
      };
    case 'consent-expiring':
      return {
        title: t('notify.title.consent-expiring', { lender }),
        body: t('notify.body.consent-expiring', { date: date(p.expiresAt) }),
      };
  }
}

/** Shows one notification through the plugin (freedesktop notifications on Linux). */
export async function sendNotification(title: string, body: string): Promise<void> {
  await invoke('plugin:notification|notify', { options: { title, body } });
}

/** Words and shows `notices` when notifications are on, then acknowledges them. */
export async function deliverNotices(notices: Notice[]): Promise<void> {
  if (notices.length === 0) return;
  const settings = await api.appSettings();
  if (settings.notifications) {
    for (const notice of notices) {
      const { title, body } = noticeText(notice);
      // One notification failing (no daemon) must not hold back the others.
      await sendNotification(title, body).catch(() => undefined);
    }
  }
  await api.acknowledgeNotices(notices.map((n) => n.id));
}

/** Listens for notices; resolves to the function that stops. Outside Tauri it does nothing. */
export async function listenForNotices(): Promise<() => void> {
  try {
    return await listen<Notice[]>(NOTICES_EVENT, (event) => {
      void deliverNotices(event.payload).catch(() => undefined);
    });
  } catch {
    return () => undefined;
  }
}
