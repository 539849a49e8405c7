/**
 * The phone-evidence types the views use: the generated ts-rs bindings, plus the few unions the
 * UI branches on that Rust spells as strings (the sandbox's report formats, the phone error
 * codes, which `ErrorCode` carries among the others).
 */
export type { AdbDevice } from './bindings/AdbDevice';
export type { AdbDeviceState } from './bindings/AdbDeviceState';
export type { Observation } from './bindings/Observation';
export type { PhoneAppSeen } from './bindings/PhoneAppSeen';
export type { PhoneImportSummary } from './bindings/PhoneImportSummary';
export type { PhoneSource } from './bindings/PhoneSource';
export type { PhoneSurvey } from './bindings/PhoneSurvey';
export type { PhoneTimelineItem } from './bindings/PhoneTimelineItem';
export type { TimelineOrigin } from './bindings/TimelineOrigin';

/** The sandbox's phone report formats (`save_sandbox_phone_report`). */
export type SandboxPhoneFormat = 'ios' | 'android-appops' | 'android-cmd' | 'android-capture';

/** The error codes of the phone commands, beside the generic ones of `ErrorCode`. */
export type PhoneErrorCode = Extract<
  import('./bindings/ErrorCode').ErrorCode,
  `phone_${string}` | `adb_${string}`
>;
