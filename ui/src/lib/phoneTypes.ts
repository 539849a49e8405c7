/**
 * The view types of the phone-evidence commands, written as the engine's views spell them
 * (`PhoneSurvey`, `PhoneImportSummary`, `AdbDevice`). They stand in for the ts-rs bindings until
 * those are generated into `./bindings/`; then this file becomes re-exports of them. The shared
 * evidence types (`PhoneSource`, `Observation`…) are generated already and imported from there.
 */
import type { Observation } from './bindings/Observation';
import type { PhoneSource } from './bindings/PhoneSource';
import type { Platform } from './bindings/Platform';
import type { SourceFormat } from './bindings/SourceFormat';

export type { Observation, PhoneSource };

/** One app the file holds records of, and the connected lender that declares it, if any. */
export type PhoneAppSeen = {
  id: string;
  records: number;
  /** The lender id whose discovery document declares this app. */
  declaredBy: string | null;
};

/** What a chosen file holds, read before anything is stored (`phone_survey`). */
export type PhoneSurvey = {
  format: SourceFormat;
  platform: Platform;
  apps: Array<PhoneAppSeen>;
  /** The app a connected lender declares, when the file holds it. */
  suggestedApp: string | null;
  suggestedLender: string | null;
  /** The file's times carry no UTC offset: the borrower confirms the phone's zone. */
  needsUtcOffset: boolean;
  /** This computer's UTC offset (minutes east), offered first. */
  computerUtcOffsetMin: number;
  lines: number;
  malformedLines: number;
  /** The first (at most 50) line numbers that could not be read. */
  malformedFirst: Array<number>;
  coversFrom: number | null;
  coversTo: number | null;
};

/** What an import or capture stored; `new: false` when the same file was imported before. */
export type PhoneImportSummary = {
  source: PhoneSource;
  new: boolean;
  observations: number;
  malformedFirst: Array<number>;
};

/** Whether adb can read a phone, and if not, what stands in the way. */
export type AdbDeviceState = 'device' | 'unauthorized' | 'offline' | 'no_permissions' | 'recovery' | 'other';

/** A phone the adb server sees (`adb devices -l`). */
export type AdbDevice = {
  serial: string;
  state: AdbDeviceState;
  model: string | null;
};

/** The sandbox's phone report formats (`save_sandbox_phone_report`). */
export type SandboxPhoneFormat = 'ios' | 'android-appops' | 'android-cmd';

/** The error codes of the phone commands, beside the generic ones of `ErrorCode`. */
export type PhoneErrorCode =
  | 'phone_unknown_format'
  | 'phone_needs_time_zone'
  | 'phone_choose_app'
  | 'phone_app_not_in_file'
  | 'phone_choose_lender'
  | 'phone_app_not_installed'
  | 'adb_missing'
  | 'adb_no_device'
  | 'adb_unauthorized'
  | 'adb_several_devices'
  | 'adb_offline'
  | 'adb_no_permission'
  | 'adb_choose_app'
  | 'adb_failed';

/** Who says a timeline entry happened: the lender's own declaration, or the borrower's phone. */
export type TimelineOrigin = 'lender' | 'phone';

/**
 * An observation as the timeline shows it, beside the disclosures of the same span: what the
 * phone saw, the lender it was imported for, its file, and the signals its resource maps to.
 */
export type PhoneTimelineItem = {
  origin: TimelineOrigin;
  observation: Observation;
  lenderId: string | null;
  fileName: string;
  signals: Array<string>;
  dpvCategories: Array<string>;
};

/** What a timeline page adds for phone evidence: the observations in the page's span. */
export type TimelinePagePhone = { phone?: Array<PhoneTimelineItem> };

/**
 * What Home's overview adds for phone evidence: how many audit findings rest on what the
 * borrower's phone recorded (rules `observed-*`).
 */
export type OverviewPhone = { phoneFindings?: number };
