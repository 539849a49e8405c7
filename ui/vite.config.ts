import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { compiledMessages } from './build/messages.ts';

// The Tauri shell serves ui/dist (custom protocol) or, in `tauri dev`, this dev server.
export default defineConfig({
  // svelteTesting: browser build of Svelte under Vitest, and cleanup after each test.
  // compiledMessages: the catalogues as parsed messages in the bundle (build only).
  plugins: [svelte(), svelteTesting(), compiledMessages()],
  clearScreen: false,
  // fs.allow '..': the glossary test reads docs/glossary.md, outside ui/.
  server: { port: 5173, strictPort: true, host: '127.0.0.1', fs: { allow: ['..'] } },
  build: {
    target: 'es2022',
    // No inline <script>/<style> and no eval, so the strict CSP holds.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    include: ['src/**/*.test.ts'],
    // CI shares two cores with Rust builds; generous limits keep slow runs from failing.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
