/**
 * The browser-test build (`npm run test:browser`): the production config, but the page loads
 * `e2e/mock-entry.ts` (mocked IPC, then `src/main.ts`) and the bundle goes to `e2e/dist`.
 * `npm run build` (ui/dist, embedded by the app) never sees this file or the mocks.
 */
import { mergeConfig, type Plugin } from 'vite';
import base from '../vite.config.ts';

const mockEntry: Plugin = {
  name: 'khata-mock-entry',
  transformIndexHtml: {
    order: 'pre',
    handler(html) {
      if (!html.includes('/src/main.ts')) throw new Error('index.html no longer loads /src/main.ts');
      return html.replace('/src/main.ts', '/e2e/mock-entry.ts');
    },
  },
};

export default mergeConfig(base, {
  // ui/, wherever vite is started from.
  root: decodeURIComponent(new URL('..', import.meta.url).pathname),
  plugins: [mockEntry],
  logLevel: 'error',
  build: {
    outDir: 'e2e/dist',
    emptyOutDir: true,
  },
});
