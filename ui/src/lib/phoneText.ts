/**
 * Wording of phone evidence shared by Your phone, the Timeline and Home: time zones, short
 * hashes, devices and the time zone a source's times were read in. Labels of the typed values
 * (`Resource`, `SourceLimit`…) are catalogue keys; this file only assembles them.
 */
import { t } from './i18n/i18n.svelte';
import type { PhoneSource } from './phoneTypes';

/** A UTC offset in minutes east as people write it: `UTC+05:30`, `UTC−03:00`, `UTC`. */
export function formatOffset(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '−';
  const abs = Math.abs(minutes);
  const hours = String(Math.floor(abs / 60)).padStart(2, '0');
  const rest = String(abs % 60).padStart(2, '0');
  return `UTC${sign}${hours}:${rest}`;
}

/** The first 12 hex digits of a SHA-256: enough to tell files apart on screen. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * The UTC offsets in use around the world, for the time-zone question, with `extra` (this
 * computer's) added when it is not among them.
 */
export function offsetChoices(extra: number): number[] {
  const common = [
    -720, -660, -600, -570, -540, -480, -420, -360, -300, -240, -210, -180, -120, -60, 0, 60, 120, 180,
    210, 240, 270, 300, 330, 345, 360, 390, 420, 480, 525, 540, 570, 600, 630, 660, 720, 765, 780, 840,
  ];
  return common.includes(extra) ? common : [...common, extra].sort((a, b) => a - b);
}

/** The phone a source names ("SM-A515F · Android 13 · R58N…"), or that the file names none. */
export function deviceText(source: PhoneSource): string {
  const { model, osVersion, serial } = source.device;
  const parts = [
    model,
    osVersion ? t('phone.source.deviceOs', { platform: t(`phone.platform.${source.platform}`), version: osVersion }) : null,
    serial,
  ].filter((part): part is string => Boolean(part));
  return parts.length > 0 ? parts.join(' · ') : t('phone.source.deviceUnknown');
}

/**
 * The zone a source's local times were read in, worded with where it came from; `null` when
 * every time carried its own offset (then nothing needs saying beside each time).
 */
export function zoneNote(source: PhoneSource | undefined): string | null {
  if (!source || source.utcOffsetMin === null || source.offsetFrom === 'inFile') return null;
  return t('phone.when.zone', { offset: formatOffset(source.utcOffsetMin) });
}

/** The time zone line of a source, for its details. */
export function zoneText(source: PhoneSource): string {
  if (source.utcOffsetMin === null) return t('phone.source.timeZoneInFile');
  return t('phone.source.timeZoneValue', {
    offset: formatOffset(source.utcOffsetMin),
    from: t(`phone.offsetFrom.${source.offsetFrom}`),
  });
}

/** Line numbers as a list in the reader's digits, e.g. "4, 17, 22". */
export function lineList(lines: ReadonlyArray<number>, format: (value: number) => string): string {
  return lines.map(format).join(', ');
}
