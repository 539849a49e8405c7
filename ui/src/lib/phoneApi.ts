/**
 * The phone-evidence commands, one typed function each, over `call` like `./api.ts`. Kept apart
 * until the generated `api.ts` carries them, so that switching over touches only this file.
 */
import { call, CommandError, progressChannel, type OnProgress } from './ipc';
import type {
  AdbDevice,
  Observation,
  PhoneErrorCode,
  PhoneImportSummary,
  PhoneSource,
  PhoneSurvey,
  SandboxPhoneFormat,
} from './phoneTypes';

const PHONE_CODES: ReadonlyArray<PhoneErrorCode> = [
  'phone_unknown_format',
  'phone_needs_time_zone',
  'phone_choose_app',
  'phone_app_not_in_file',
  'phone_choose_lender',
  'phone_app_not_installed',
  'adb_missing',
  'adb_no_device',
  'adb_unauthorized',
  'adb_several_devices',
  'adb_offline',
  'adb_no_permission',
  'adb_choose_app',
  'adb_failed',
];

/** The phone error code of a command failure, or `null` for any other failure. */
export function phoneErrorCode(failure: unknown): PhoneErrorCode | null {
  if (!(failure instanceof CommandError)) return null;
  const code = failure.code as string;
  return (PHONE_CODES as ReadonlyArray<string>).includes(code) ? (code as PhoneErrorCode) : null;
}

/**
 * A failed phone command as a view keeps it: the phone code to branch on, Rust's sentence,
 * and what the borrower can choose from (phones, or the phone's apps) when it says.
 */
export type PhoneFailure = {
  code: PhoneErrorCode | null;
  message: string;
  devices: Array<AdbDevice>;
  packages: Array<string>;
};

export function failureOf(error: unknown): PhoneFailure {
  return {
    code: phoneErrorCode(error),
    message: error instanceof Error ? error.message : String(error),
    devices: (error instanceof CommandError && error.devices) || [],
    packages: (error instanceof CommandError && error.packages) || [],
  };
}

export const phoneApi = {
  /** Reads a file without storing anything: its format, the apps it holds, what it needs. */
  phoneSurvey: (path: string) => call<PhoneSurvey>('phone_survey', { path }),
  /** Imports one app's records of a file; the same file again adds nothing (`new: false`). */
  phoneImport: (
    path: string,
    app: string | null,
    lenderId: string | null,
    utcOffsetMin: number | null,
    onProgress?: OnProgress,
  ) =>
    call<PhoneImportSummary>('phone_import', {
      path,
      app,
      lenderId,
      utcOffsetMin,
      onProgress: progressChannel(onProgress),
    }),
  /** Reads the connected Android phone over adb, keeps the capture as a file, imports it. */
  phoneCapture: (serial: string | null, app: string | null, lenderId: string | null, onProgress?: OnProgress) =>
    call<PhoneImportSummary>('phone_capture', { serial, app, lenderId, onProgress: progressChannel(onProgress) }),
  /** The phones the adb server sees. */
  phoneDevices: () => call<Array<AdbDevice>>('phone_devices'),
  phoneSources: () => call<Array<PhoneSource>>('phone_sources'),
  phoneObservations: () => call<Array<Observation>>('phone_observations'),
  /** The native open dialog; `null` if cancelled. `purpose` (`phone`) picks its filters. */
  askOpenPath: (purpose: string) => call<string | null>('ask_open_path', { purpose }),
  /** For testing: writes the built-in sandbox's phone report where the borrower chooses; `null` if cancelled. */
  saveSandboxPhoneReport: (format: SandboxPhoneFormat) =>
    call<string | null>('save_sandbox_phone_report', { format }),
};
