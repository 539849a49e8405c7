/** Sample phone evidence shaped like the engine's (`PhoneSource`, `Observation`, the phone views). */
import type {
  AdbDevice,
  Observation,
  PhoneImportSummary,
  PhoneSource,
  PhoneSurvey,
  PhoneTimelineItem,
} from '../lib/phoneTypes';
import { DAY, NOW } from './fixtures';

export const IOS_SHA = 'a1b2c3d4e5f6'.padEnd(64, '0');
export const ANDROID_SHA = 'f0e1d2c3b4a5'.padEnd(64, '1');

export function phoneSource(overrides: Partial<PhoneSource> = {}): PhoneSource {
  return {
    sha256: IOS_SHA,
    format: 'ios-app-privacy-report',
    platform: 'ios',
    fileName: 'App_Privacy_Report_v4_2026-11-28T10_00_00.ndjson',
    bytes: 48_213,
    capturedAt: NOW - DAY,
    importedAt: NOW,
    device: { serial: null, model: null, osVersion: null },
    utcOffsetMin: null,
    offsetFrom: 'inFile',
    app: 'in.khata.sandbox.Lender',
    lenderId: 'sandbox',
    coversFrom: NOW - 7 * DAY,
    coversTo: NOW - DAY,
    records: 42,
    malformedLines: 0,
    limits: ['useNotContent', 'sevenDays', 'iosNoSmsOrCallLog'],
    ...overrides,
  };
}

/** A capture over adb: Android times read in the phone's zone. */
export function androidSource(overrides: Partial<PhoneSource> = {}): PhoneSource {
  return phoneSource({
    sha256: ANDROID_SHA,
    format: 'android-capture',
    platform: 'android',
    fileName: 'khata-capture-R58N123ABC-20261128.txt',
    device: { serial: 'R58N123ABC', model: 'SM-A515F', osVersion: '13' },
    utcOffsetMin: 330,
    offsetFrom: 'device',
    app: 'in.khata.sandbox.lender',
    limits: ['useNotContent', 'lastAccessOnly'],
    ...overrides,
  });
}

export function observation(overrides: Partial<Observation> = {}): Observation {
  return {
    source: IOS_SHA,
    app: 'in.khata.sandbox.Lender',
    platform: 'ios',
    resource: 'contacts',
    op: 'contacts',
    kind: 'access',
    state: 'background',
    firstAt: NOW - 3 * DAY,
    lastAt: NOW - 2 * DAY,
    count: 4,
    openInterval: false,
    network: null,
    ...overrides,
  };
}

export function survey(overrides: Partial<PhoneSurvey> = {}): PhoneSurvey {
  return {
    format: 'android-appops',
    platform: 'android',
    apps: [
      { id: 'com.example.game', records: 3, declaredBy: null },
      { id: 'in.khata.sandbox.lender', records: 12, declaredBy: 'sandbox' },
    ],
    suggestedApp: 'in.khata.sandbox.lender',
    suggestedLender: 'sandbox',
    needsUtcOffset: true,
    computerUtcOffsetMin: 330,
    lines: 1_234,
    malformedLines: 2,
    malformedFirst: [17, 204],
    coversFrom: NOW - 5 * DAY,
    coversTo: NOW - DAY,
    ...overrides,
  };
}

export function importSummary(overrides: Partial<PhoneImportSummary> = {}): PhoneImportSummary {
  return {
    source: androidSource({ format: 'android-appops', fileName: 'appops.txt', offsetFrom: 'assumed' }),
    new: true,
    observations: 12,
    malformedFirst: [17, 204],
    ...overrides,
  };
}

export function device(overrides: Partial<AdbDevice> = {}): AdbDevice {
  return { serial: 'R58N123ABC', state: 'device', model: 'SM-A515F', ...overrides };
}

/** An observation as a timeline page carries it. */
export function timelineItem(overrides: Partial<Observation> = {}, fileName = phoneSource().fileName): PhoneTimelineItem {
  return {
    origin: 'phone',
    observation: observation(overrides),
    lenderId: 'sandbox',
    fileName,
    signals: ['contacts'],
    dpvCategories: ['pd:Contact'],
  };
}
