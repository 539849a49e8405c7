/**
 * Test helpers over `mockIPC`: a table of command handlers, a log of the calls made, and a way
 * to send progress reports through the `Channel` a command received (the mocked `invoke` passes
 * the channel object through as the argument).
 */
import type { Channel } from '@tauri-apps/api/core';
import { mockIPC } from '@tauri-apps/api/mocks';
import type { Progress } from '../lib/bindings/Progress';

export type Args = Record<string, unknown>;
export type Handler = (args: Args) => unknown;
export type Call = { command: string; args: Args };

/** Each command answers with its handler's result (or the value itself); others fail loudly. */
export function mockCommands(handlers: Record<string, Handler | object | null | undefined>): Call[] {
  const calls: Call[] = [];
  mockIPC((command, payload) => {
    const args = (payload ?? {}) as Args;
    calls.push({ command, args });
    if (!(command in handlers)) {
      throw { code: 'internal', message: `unexpected command ${command}` };
    }
    const handler = handlers[command];
    return typeof handler === 'function' ? (handler as Handler)(args) : handler;
  });
  return calls;
}

/** Sends one progress report through the command's `onProgress` channel. */
export function report(args: Args, progress: Progress): void {
  (args.onProgress as Channel<Progress>).onmessage(progress);
}

/** A promise with its resolve/reject handles, to hold a command open mid-flight. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** A command failure as the shell serialises it. */
export function failure(message: string, code = 'io') {
  return { code, message };
}
