/**
 * How every command is called: `invoke`, with failures (the shell's `{code, message}`)
 * rethrown as `CommandError` so views can show the message and branch on the code, and a
 * channel for the progress reports of long tasks. The typed functions over it, one per
 * command, are generated into `./api.ts`.
 */
import { Channel, invoke } from '@tauri-apps/api/core';
import type { AppError } from './bindings/AppError';
import type { ErrorCode } from './bindings/ErrorCode';
import type { IdentityConflictView } from './bindings/IdentityConflictView';
import type { Progress } from './bindings/Progress';
import type { AdbDevice } from './phoneTypes';

/** What a phone capture's failure adds, for the borrower to choose from. */
type PhoneChoices = { devices?: Array<AdbDevice>; packages?: Array<string> };

export class CommandError extends Error {
  readonly code: ErrorCode;
  /** With `lender_identity_conflict`: both origins and fingerprints, for the borrower to compare. */
  readonly conflict?: IdentityConflictView;
  /** With `adb_several_devices`: the connected phones, to pick one. */
  readonly devices?: Array<AdbDevice>;
  /** With `adb_choose_app`: the phone's own apps, to pick the lender's. */
  readonly packages?: Array<string>;
  constructor(error: AppError & PhoneChoices) {
    super(error.message);
    this.name = 'CommandError';
    this.code = error.code;
    this.conflict = error.conflict;
    this.devices = error.devices;
    this.packages = error.packages;
  }
}

function isAppError(value: unknown): value is AppError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as AppError).code === 'string' &&
    typeof (value as AppError).message === 'string'
  );
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    if (isAppError(error)) throw new CommandError(error);
    throw new CommandError({ code: 'internal', message: String(error) });
  }
}

export type OnProgress = (progress: Progress) => void;

/** A channel that forwards the Rust side's progress reports of one long task. */
export function progressChannel(onProgress?: OnProgress): Channel<Progress> {
  const channel = new Channel<Progress>();
  if (onProgress) channel.onmessage = onProgress;
  return channel;
}
