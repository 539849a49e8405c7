import '@testing-library/jest-dom/vitest';
import { afterEach } from 'vitest';
import { clearMocks } from '@tauri-apps/api/mocks';
import { loadLocale } from './lib/i18n/i18n.svelte';

// Hindi is a chunk of its own in the app, fetched when chosen; tests switch language in the
// middle of a test and expect the words at once, so both catalogues are loaded up front.
await loadLocale('hi');

// jsdom has no WebCrypto-backed IPC; every test installs its own mockIPC handler.
afterEach(() => clearMocks());

// jsdom lacks <dialog> methods; mimic the browser's open/close so components behave the same.
HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
  this.open = true;
  // Like a browser, move focus to the first focusable element inside.
  this.querySelector<HTMLElement>('button, [href], input, select, textarea, [tabindex]')?.focus();
};
HTMLDialogElement.prototype.close ??= function (this: HTMLDialogElement) {
  this.open = false;
  this.dispatchEvent(new Event('close'));
};

// jsdom has no canvas; charts draw nothing and the tables beside them carry the numbers.
HTMLCanvasElement.prototype.getContext = (() => null) as typeof HTMLCanvasElement.prototype.getContext;
