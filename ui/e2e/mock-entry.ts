/** Entry of the browser-test build: mock the IPC first, then start the app as `src/main.ts` does. */
import './mocks';
import '../src/main';
