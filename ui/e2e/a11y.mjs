#!/usr/bin/env node
/**
 * Accessibility of the built UI in real Chromium (`npm run test:browser`, after the mock build in
 * e2e/dist). Every screen, dialog and the states a click reaches are rendered from the bundle,
 * with Tauri IPC mocked (e2e/mocks.ts), in English and Hindi (switched with the app's own language
 * picker) and in light and dark theme (`prefers-color-scheme`); axe-core runs on each with all its
 * default rules, colour contrast included (jsdom in `src/a11y.test.ts` cannot lay out, so contrast
 * is checked only here). The run fails on any serious or critical violation, any page error or
 * console error, any screen whose <html lang> is not the language shown or whose theme did not
 * apply, and when a planted violation (the canary) is not caught. KHATA_A11Y_VERBOSE=1 also lists
 * the moderate and minor findings.
 *
 * Chromium: $KHATA_CHROMIUM, else the system one (Debian `chromium`); playwright-core drives it
 * and downloads nothing.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const started = Date.now();
const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
const dist = fileURLToPath(new URL('./dist/', import.meta.url));
if (!existsSync(join(dist, 'index.html'))) {
  console.error('e2e/dist is missing: build it with `vite build --config e2e/vite.config.ts`');
  process.exit(2);
}

const executablePath = [process.env.KHATA_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path) => path && existsSync(path),
);
if (!executablePath) {
  console.error('no Chromium: install the Debian package `chromium` or set KHATA_CHROMIUM');
  process.exit(2);
}

// ---- A static server for e2e/dist on a free port of 127.0.0.1 ----
const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};
const server = createServer(async (request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  // The app has no favicon (the shell gives the window its icon); answer Chromium's own request.
  if (pathname === '/favicon.ico') return response.writeHead(204).end();
  const file = normalize(join(dist, pathname === '/' ? 'index.html' : decodeURIComponent(pathname)));
  if (!file.startsWith(dist.endsWith(sep) ? dist : dist + sep)) return response.writeHead(403).end();
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

// ---- Steps ----
const TIMEOUT = 15_000;
const byTestId = (page, id) => page.getByTestId(id).first();
const visible = (page, id) => byTestId(page, id).waitFor({ state: 'visible', timeout: TIMEOUT });
const click = (page, id) => byTestId(page, id).click({ timeout: TIMEOUT });
/** A fresh load of the app (the language chosen earlier is remembered, as in the real app). */
async function load(page, query = '') {
  await page.goto(base + query, { waitUntil: 'load' });
  await visible(page, 'home-heading');
}
async function nav(page, view, ready) {
  await click(page, `nav-${view}`);
  await visible(page, ready);
}

/** In order: each step starts from the page the step before left. */
const screens = [
  { name: 'Home', run: (p) => nav(p, 'home', 'home-offer') },
  { name: 'Connect', run: (p) => nav(p, 'connect', 'connect-sandbox') },
  {
    name: 'Connect: connecting (progress)',
    run: async (p) => {
      await click(p, 'connect-sandbox');
      await visible(p, 'connect-progress-text');
    },
  },
  { name: 'Consent requests', run: (p) => nav(p, 'requests', 'request-submit') },
  {
    name: 'Consent requests: decided',
    run: async (p) => {
      await click(p, 'request-share-needed');
      await click(p, 'request-submit');
      await visible(p, 'request-decided');
    },
  },
  { name: 'Consents', run: (p) => nav(p, 'consents', 'consent-c-1') },
  {
    name: 'Consents: revoke confirmation dialog',
    run: async (p) => {
      await click(p, 'consent-revoke-c-1');
      await visible(p, 'revoke-confirm-text');
    },
    after: (p) => click(p, 'revoke-confirm-no'),
  },
  { name: 'Offer', run: (p) => nav(p, 'offer', 'kfs-schedule') },
  {
    name: 'Offer: what-if result',
    run: async (p) => {
      await click(p, 'whatif-signal-sms_income');
      await click(p, 'whatif-submit');
      await visible(p, 'whatif-result');
    },
  },
  { name: 'Timeline', run: (p) => nav(p, 'timeline', 'timeline-row') },
  {
    name: 'Timeline: evidence dialog',
    run: async (p) => {
      await click(p, 'timeline-row');
      await visible(p, 'evidence-statement');
    },
    after: (p) => click(p, 'evidence-close'),
  },
  { name: 'Your phone', run: (p) => nav(p, 'phone', 'phone-sources') },
  {
    name: 'Your phone: a file surveyed',
    run: async (p) => {
      await click(p, 'phone-choose');
      await visible(p, 'phone-survey');
    },
  },
  {
    name: 'Your phone: imported',
    run: async (p) => {
      await click(p, 'phone-import');
      await visible(p, 'phone-import-result');
    },
  },
  {
    name: 'Your phone: phone not allowing this computer',
    run: async (p) => {
      await click(p, 'phone-tab-android');
      await click(p, 'phone-look');
      await visible(p, 'phone-capture-adb_unauthorized');
    },
  },
  { name: 'Rights', run: (p) => nav(p, 'rights', 'rights-table') },
  {
    name: 'Rights: request sent',
    run: async (p) => {
      await byTestId(p, 'rights-details').fill('Please delete my location history.');
      await click(p, 'rights-submit');
      await visible(p, 'rights-submitted');
    },
  },
  { name: 'Your details', run: (p) => nav(p, 'profile', 'nomination-letter') },
  {
    name: 'Your details: saved',
    run: async (p) => {
      await click(p, 'profile-save');
      await visible(p, 'profile-saved');
    },
  },
  { name: 'Audit', run: (p) => nav(p, 'audit', 'audit-summary') },
  {
    name: 'Audit: finding opened',
    run: async (p) => {
      await byTestId(p, 'finding-critical-0').locator('summary').click({ timeout: TIMEOUT });
      await visible(p, 'finding-critical-0');
    },
  },
  {
    name: 'Audit: grievance letter being edited',
    run: async (p) => {
      await click(p, 'grievance-read-sandbox');
      await visible(p, 'grievance-letter-edit');
    },
  },
  {
    name: 'Audit: grievance letter previewed',
    run: async (p) => {
      await click(p, 'grievance-preview');
      await visible(p, 'grievance-letter-text');
    },
  },
  {
    name: 'Audit: grievance confirmation',
    run: async (p) => {
      await click(p, 'grievance-next');
      await visible(p, 'grievance-confirm-question');
    },
  },
  {
    name: 'Audit: grievance filed',
    run: async (p) => {
      await click(p, 'grievance-confirm');
      await visible(p, 'grievance-notice');
    },
  },
  { name: 'Verify', run: (p) => nav(p, 'verify', 'verify-choose') },
  {
    name: 'Verify: tampered export',
    run: async (p) => {
      await click(p, 'verify-choose');
      await visible(p, 'verify-outcome');
    },
  },
  { name: 'Export', run: (p) => nav(p, 'export', 'export-start') },
  {
    name: 'Export: summary',
    run: async (p) => {
      await click(p, 'export-start');
      await visible(p, 'export-summary');
    },
  },
  {
    name: 'About dialog',
    run: async (p) => {
      await click(p, 'about-open');
      await visible(p, 'about-version');
    },
    after: (p) => click(p, 'about-close'),
  },
  // A new vault, no lender connected.
  {
    name: 'Empty: Home',
    run: async (p) => {
      await load(p, '?empty');
      await visible(p, 'home-empty');
    },
  },
  { name: 'Empty: Consent requests', run: (p) => nav(p, 'requests', 'requests-empty') },
  { name: 'Empty: Consents', run: (p) => nav(p, 'consents', 'consents-empty') },
  { name: 'Empty: Offer', run: (p) => nav(p, 'offer', 'offer-empty') },
  { name: 'Empty: Timeline', run: (p) => nav(p, 'timeline', 'timeline-empty') },
  { name: 'Empty: Your phone', run: (p) => nav(p, 'phone', 'phone-sources-empty') },
  { name: 'Empty: Rights', run: (p) => nav(p, 'rights', 'rights-no-lender') },
  { name: 'Empty: Audit', run: (p) => nav(p, 'audit', 'audit-empty') },
  { name: 'Empty: Your details', run: (p) => nav(p, 'profile', 'packet-needs-nominee') },
  // Every command fails.
  {
    name: 'Errors: Home',
    run: async (p) => {
      await load(p, '?fail');
      await visible(p, 'home-error');
    },
  },
  { name: 'Errors: Consent requests', run: (p) => nav(p, 'requests', 'requests-error') },
  { name: 'Errors: Consents', run: (p) => nav(p, 'consents', 'consents-error') },
  { name: 'Errors: Offer', run: (p) => nav(p, 'offer', 'offer-error') },
  { name: 'Errors: Timeline', run: (p) => nav(p, 'timeline', 'timeline-error') },
  { name: 'Errors: Your phone', run: (p) => nav(p, 'phone', 'phone-error') },
  { name: 'Errors: Rights', run: (p) => nav(p, 'rights', 'rights-list-error') },
  { name: 'Errors: Audit', run: (p) => nav(p, 'audit', 'audit-error') },
  { name: 'Errors: Your details', run: (p) => nav(p, 'profile', 'profile-load-error') },
  {
    name: 'Errors: About dialog',
    run: async (p) => {
      await click(p, 'about-open');
      await visible(p, 'about-error');
    },
    after: (p) => click(p, 'about-close'),
  },
  // The unlock screen, shown instead of the app while the vault is closed.
  ...[
    ['Unlock: no keychain, new vault', '?locked=keychain_unavailable', 'unlock-passphrase-form'],
    ['Unlock: no keychain, existing vault', '?locked=keychain_unavailable&exists', 'unlock-recovery-form'],
    ['Unlock: passphrase', '?locked=passphrase_required', 'unlock-passphrase-form'],
    ['Unlock: recovery key', '?locked=key_missing', 'unlock-recovery-form'],
  ].map(([name, query, ready]) => ({
    name,
    run: async (p) => {
      await p.goto(base + query, { waitUntil: 'load' });
      await visible(p, ready);
      if (ready === 'unlock-passphrase-form' && query.includes('passphrase_required')) {
        await click(p, 'unlock-show-recovery');
        await visible(p, 'unlock-recovery-form');
      }
    },
    after: (p) => load(p),
  })),
  // Last: the first-run dialog is modal over everything.
  {
    name: 'First-run recovery key dialog',
    run: async (p) => {
      await load(p, '?firstRun');
      await visible(p, 'recovery-key');
    },
    after: async (p) => {
      await click(p, 'recovery-confirm');
      await click(p, 'recovery-done');
    },
  },
];

// ---- axe ----
/** axe-core with its default rules on the whole page: violations, and how many nodes it could not decide. */
async function axeRun(page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeSource });
  return page.evaluate(async () => {
    const { violations, incomplete } = await window.axe.run(document, { resultTypes: ['violations', 'incomplete'] });
    return {
      violations: violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`),
      })),
      incomplete: incomplete.reduce((sum, v) => sum + v.nodes.length, 0),
    };
  });
}

/** Proves the checker can fail: a low-contrast line and an unlabelled field must be caught. */
async function canary(page) {
  await page.evaluate(() => {
    const probe = document.createElement('div');
    probe.id = 'axe-canary';
    probe.innerHTML = '<p style="color:#999;background:#aaa">faint</p><input type="text">';
    document.body.append(probe);
  });
  const { violations } = await axeRun(page);
  await page.evaluate(() => document.getElementById('axe-canary')?.remove());
  const caught = violations.map((v) => v.id);
  for (const rule of ['color-contrast', 'label']) {
    if (!caught.includes(rule)) throw new Error(`axe canary: a planted ${rule} violation was not reported`);
  }
}

// ---- The run ----
const variants = [];
for (const theme of ['light', 'dark']) for (const language of ['en', 'hi']) variants.push({ theme, language });

const browser = await chromium.launch({
  executablePath,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
});
const results = []; // { variant, screen, serious, other, review, problems: string[], notes: string[] }
try {
  for (const variant of variants) {
    const context = await browser.newContext({
      colorScheme: variant.theme,
      reducedMotion: 'reduce',
      viewport: { width: 1280, height: 860 },
      locale: 'en-IN',
    });
    const page = await context.newPage();
    let pageProblems = [];
    page.on('pageerror', (error) => pageProblems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageProblems.push(`console error: ${message.text()}`);
    });

    try {
      await load(page);
      if (variant === variants[0]) await canary(page);
      if (variant.language !== 'en') {
        await byTestId(page, 'language').selectOption(variant.language);
        // The other language's messages are a chunk of their own: the switch lands once it has
        // loaded, as in the app.
        await page.waitForFunction((lang) => document.documentElement.lang === lang, variant.language, {
          timeout: TIMEOUT,
        });
      }
    } catch (error) {
      results.push({ variant, screen: 'start', serious: 0, other: 0, review: 0, problems: [String(error), ...pageProblems] });
      await context.close();
      continue;
    }

    for (const screen of screens) {
      const problems = [];
      const notes = [];
      let serious = 0;
      let other = 0;
      let review = 0;
      try {
        await screen.run(page);
        // Let the last render and layout settle before measuring contrast.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
        const shown = await page.evaluate(() => ({
          lang: document.documentElement.lang,
          // The open dialog if any, else the screen: is its text in Hindi's script? A language
          // picker names Hindi in its own script in either language, so that name does not count.
          devanagari: /[\u0900-\u097F]/.test(
            (document.querySelector('dialog[open], main')?.innerText ?? '').replaceAll('हिन्दी', ''),
          ),
          dark: matchMedia('(prefers-color-scheme: dark)').matches,
        }));
        if (shown.lang !== variant.language) {
          problems.push(`<html lang="${shown.lang}"> but the screen is in "${variant.language}"`);
        }
        if (shown.devanagari !== (variant.language === 'hi')) {
          problems.push(`the screen is ${shown.devanagari ? '' : 'not '}in Devanagari, in "${variant.language}"`);
        }
        if (shown.dark !== (variant.theme === 'dark')) problems.push(`the page is not in the ${variant.theme} theme`);
        const { violations, incomplete } = await axeRun(page);
        review = incomplete;
        for (const violation of violations) {
          const bad = violation.impact === 'serious' || violation.impact === 'critical';
          if (bad) serious += violation.nodes.length;
          else other += violation.nodes.length;
          const nodes = violation.nodes.slice(0, 5).map((node) => `      ${node.slice(0, 400)}`);
          if (violation.nodes.length > 5) nodes.push(`      … and ${violation.nodes.length - 5} more`);
          (bad ? problems : notes).push(
            `${violation.impact} ${violation.id}: ${violation.help}\n${nodes.join('\n')}`,
          );
        }
        if (screen.after) await screen.after(page);
      } catch (error) {
        problems.push(`step failed: ${String(error).split('\n')[0]}`);
      }
      problems.push(...pageProblems);
      pageProblems = [];
      results.push({ variant, screen: screen.name, serious, other, review, problems, notes });
    }
    await context.close();
  }
} finally {
  await browser.close();
  server.close();
}

// ---- Report ----
const label = (v) => `${v.language}/${v.theme}`;
const names = [...new Set(results.map((r) => r.screen))];
const width = Math.max(...names.map((n) => n.length));
console.log(`\nserious+critical axe violations per screen (moderate/minor in brackets), ${chromium.name()} ${browser.version()}`);
console.log(`${''.padEnd(width)}  ${variants.map((v) => label(v).padStart(10)).join('')}`);
for (const name of names) {
  const cells = variants.map((v) => {
    const r = results.find((x) => x.screen === name && label(x.variant) === label(v));
    if (!r) return '-'.padStart(10);
    const mark = r.problems.length ? (r.serious ? `${r.serious}` : 'ERR') : '0';
    return `${mark}${r.other ? ` (${r.other})` : ''}`.padStart(10);
  });
  console.log(`${name.padEnd(width)}  ${cells.join('')}`);
}

const failed = results.filter((r) => r.problems.length);
const noted = results.filter((r) => r.notes?.length);
if (noted.length && process.env.KHATA_A11Y_VERBOSE) {
  console.log('\nmoderate/minor findings (not failing):');
  for (const r of noted) console.log(`  [${label(r.variant)}] ${r.screen}\n    ${r.notes.join('\n    ')}`);
}
if (failed.length) {
  console.log('\nfailures:');
  for (const r of failed) console.log(`  [${label(r.variant)}] ${r.screen}\n    ${r.problems.join('\n    ')}`);
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
const review = results.reduce((sum, r) => sum + (r.review ?? 0), 0);
console.log(
  `\n${results.length} screen checks (${screens.length} screens x ${variants.length} language/theme variants), ` +
    `${failed.length} failed; ${review} nodes axe could not decide ("incomplete", not failing); ${seconds}s`,
);
process.exit(failed.length ? 1 : 0);
