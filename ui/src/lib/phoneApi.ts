/**
 * The phone-evidence commands (the generated `./api.ts` entries, gathered so that views and
 * their tests name one object) and what a failed one means for the views: its phone error
 * code and the choices it carries.
 */
import { api } from './api';
import { CommandError } from './ipc';
import type { AdbDevice, PhoneErrorCode, SandboxPhoneFormat } from './phoneTypes';

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

/** The phone commands, as generated into `./api.ts` from the shell's command list. */
export const phoneApi = {
  phoneSurvey: api.phoneSurvey,
  phoneImport: api.phoneImport,
  phoneCapture: api.phoneCapture,
  phoneDevices: api.phoneDevices,
  phoneSources: api.phoneSources,
  phoneObservations: api.phoneObservations,
  askOpenPath: api.askOpenPath,
  saveSandboxPhoneReport: (format: SandboxPhoneFormat) => api.saveSandboxPhoneReport(format),
};
