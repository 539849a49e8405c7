import { render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { FileDrag } from '../lib/fileDrop';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { lender, overview } from '../test/fixtures';
import { deferred, failure, mockCommands, report, type Args, type Handler } from '../test/ipc';
import {
  ANDROID_SHA,
  androidSource,
  device,
  importSummary,
  IOS_SHA,
  observation,
  phoneSource,
  survey,
} from '../test/phoneFixtures';
import Phone from './Phone.svelte';

// The shell's drag-and-drop events, driven by the test.
const drops = vi.hoisted(() => ({ handler: null as ((drag: FileDrag) => void) | null }));
vi.mock('../lib/fileDrop', () => ({
  listenForFileDrops: async (handler: (drag: FileDrag) => void) => {
    drops.handler = handler;
    return () => (drops.handler = null);
  },
}));

beforeEach(() => setLocale('en'));

/** The commands Your phone calls on opening, with an empty vault of phone evidence. */
function phoneCommands(extra: Record<string, Handler | object | null> = {}) {
  return mockCommands({
    overview: overview(),
    phone_sources: [],
    phone_observations: [],
    ...extra,
  });
}

describe('Your phone', () => {
  it('guides step by step per phone, tabs moved by the arrow keys', async () => {
    phoneCommands();
    const user = userEvent.setup();
    render(Phone);
    const ios = await screen.findByTestId('phone-guide-ios');
    expect(within(ios).getAllByRole('listitem')).toHaveLength(5);
    expect(ios).toHaveTextContent('Settings › Privacy & Security › App Privacy Report');
    expect(ios).toHaveTextContent('Save App Privacy Report');
    expect(screen.queryByTestId('phone-capture')).not.toBeInTheDocument();

    screen.getByTestId('phone-tab-ios').focus();
    await user.keyboard('{ArrowRight}');
    expect(screen.getByTestId('phone-tab-android')).toHaveFocus();
    expect(screen.getByTestId('phone-tab-android')).toHaveAttribute('aria-selected', 'true');
    const android = screen.getByTestId('phone-guide-android');
    expect(android).toHaveTextContent('USB debugging');
    expect(android).toHaveTextContent('turn “USB debugging” off again');
    expect(android).toHaveTextContent('Take bug report');
    expect(screen.getByTestId('phone-capture')).toBeInTheDocument();
  });

  it('surveys a chosen file, asks for the time zone, imports it with progress and lists it', async () => {
    const held = deferred<unknown>();
    let importArgs: Args = {};
    let sources = [] as unknown[];
    const calls = phoneCommands({
      overview: overview({ lenders: [lender(), lender({ id: 'l2', name: 'QuickRupee', isSandbox: false })] }),
      ask_open_path: () => '/home/asha/appops.txt',
      phone_survey: survey(),
      phone_import: (args) => {
        importArgs = args;
        return held.promise;
      },
      phone_sources: () => sources,
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-choose'));
    expect(calls.find((c) => c.command === 'ask_open_path')?.args).toEqual({ purpose: 'phone' });

    const form = await screen.findByTestId('phone-survey');
    expect(screen.getByTestId('phone-survey-file')).toHaveTextContent('appops.txt');
    expect(screen.getByTestId('phone-survey-format')).toHaveTextContent('dumpsys appops');
    expect(screen.getByTestId('phone-survey-malformed')).toHaveTextContent('2 lines could not be read and will be skipped: 17, 204.');
    // The lender's declared app is preselected; the others can be picked.
    expect(screen.getByTestId('phone-app-in.khata.sandbox.lender')).toBeChecked();
    expect(screen.getByTestId('phone-app-com.example.game')).not.toBeChecked();
    expect(form).toHaveTextContent('Declared by Sandbox Lender');
    // Two lenders: the one declaring the app is chosen.
    expect(screen.getByTestId('phone-lender')).toHaveValue('sandbox');
    // The file's times have no zone: this computer's is offered first.
    const zone = screen.getByTestId('phone-zone') as HTMLSelectElement;
    expect(zone.selectedOptions[0]).toHaveTextContent('UTC+05:30 (this computer)');
    await user.selectOptions(zone, 'UTC+05:45');

    await user.click(screen.getByTestId('phone-import'));
    expect(importArgs).toMatchObject({
      path: '/home/asha/appops.txt',
      appId: 'in.khata.sandbox.lender',
      lenderId: 'sandbox',
      utcOffsetMin: 345,
    });
    report(importArgs, { task: 'phone', phase: 'reading', done: 5, total: 12 });
    expect(await screen.findByText('Reading the file: 5 of 12')).toBeInTheDocument();

    sources = [importSummary().source];
    held.resolve(importSummary());
    expect(await screen.findByTestId('phone-import-result')).toHaveTextContent(
      '12 observations of in.khata.sandbox.lender imported from appops.txt.',
    );
    expect(screen.getByTestId('phone-import-result')).toHaveTextContent('skipped: 17, 204');
    // The list is read again and shows the new source.
    expect(await screen.findByText('appops.txt', { selector: 'h3' })).toBeInTheDocument();
  });

  it('picking another app picks the lender that declares it; a file imported before adds nothing', async () => {
    let importArgs: Args = {};
    phoneCommands({
      ask_open_path: () => '/tmp/App_Privacy_Report_v4.ndjson',
      phone_survey: survey({
        format: 'ios-app-privacy-report',
        platform: 'ios',
        needsUtcOffset: false,
        suggestedApp: null,
        suggestedLender: null,
        malformedLines: 0,
        malformedFirst: [],
        apps: [
          { id: 'in.khata.sandbox.Lender', records: 40, declaredBy: null },
          { id: 'com.apple.camera', records: 2, declaredBy: null },
        ],
      }),
      phone_import: (args) => {
        importArgs = args;
        return importSummary({ new: false, source: phoneSource() });
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-choose'));
    await screen.findByTestId('phone-survey');
    expect(screen.queryByTestId('phone-zone')).not.toBeInTheDocument();
    expect(screen.queryByTestId('phone-survey-malformed')).not.toBeInTheDocument();
    // Nothing suggested: the borrower picks the app before importing.
    expect(screen.getByTestId('phone-import')).toBeDisabled();
    await user.click(screen.getByTestId('phone-app-in.khata.sandbox.Lender'));
    await user.click(screen.getByTestId('phone-import'));
    expect(importArgs).toMatchObject({ appId: 'in.khata.sandbox.Lender', lenderId: 'sandbox', utcOffsetMin: null });
    expect(await screen.findByTestId('phone-import-result')).toHaveTextContent(
      'This file was imported before (App_Privacy_Report_v4_2026-11-28T10_00_00.ndjson); nothing was added.',
    );
  });

  it('reads a file dropped on the window', async () => {
    const calls = phoneCommands({ phone_survey: survey() });
    render(Phone);
    await screen.findByTestId('phone-drop');
    await vi.waitFor(() => expect(drops.handler).not.toBeNull());
    drops.handler?.({ type: 'enter' });
    expect(await screen.findByText('Let go to read the file')).toBeInTheDocument();
    drops.handler?.({ type: 'drop', paths: ['C:\\Users\\asha\\bugreport.zip'] });
    expect(await screen.findByTestId('phone-survey-file')).toHaveTextContent('bugreport.zip');
    expect(calls.find((c) => c.command === 'phone_survey')?.args).toEqual({ path: 'C:\\Users\\asha\\bugreport.zip' });
    expect(screen.getByText('or drop the file on this window')).toBeInTheDocument();
  });

  it('says which formats it reads when the file is not one of them', async () => {
    phoneCommands({
      ask_open_path: () => '/tmp/notes.pdf',
      phone_survey: () => {
        throw failure('This is not a phone report Khata can read.', 'phone_unknown_format');
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-choose'));
    expect(await screen.findByTestId('phone-import-error')).toHaveTextContent(
      'It reads an iPhone’s App Privacy Report (.ndjson)',
    );
    expect(screen.queryByTestId('phone-survey')).not.toBeInTheDocument();
  });

  it('asks for the lender when no connected lender declares the app', async () => {
    let importArgs: Args = {};
    phoneCommands({
      overview: overview({ lenders: [lender(), lender({ id: 'l2', name: 'QuickRupee', isSandbox: false })] }),
      ask_open_path: () => '/tmp/appops.txt',
      phone_survey: survey({
        suggestedApp: null,
        suggestedLender: null,
        apps: [{ id: 'in.quickrupee.app', records: 1, declaredBy: null }],
      }),
      phone_import: (args) => {
        importArgs = args;
        return importSummary();
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-choose'));
    // The only app in the file is preselected; the lender is not known.
    expect(await screen.findByTestId('phone-app-in.quickrupee.app')).toBeChecked();
    expect(screen.getByTestId('phone-lender')).toHaveValue('');
    expect(screen.getByTestId('phone-import')).toBeDisabled();
    await user.selectOptions(screen.getByTestId('phone-lender'), 'QuickRupee');
    await user.click(screen.getByTestId('phone-import'));
    expect(importArgs).toMatchObject({ appId: 'in.quickrupee.app', lenderId: 'l2' });
  });

  it('says when no lender is connected to tie the app to, in Rust’s words', async () => {
    phoneCommands({
      overview: overview({ lenders: [] }),
      ask_open_path: () => '/tmp/appops.txt',
      phone_survey: survey({ suggestedLender: null, apps: [{ id: 'in.other.app', records: 1, declaredBy: null }], suggestedApp: null }),
      phone_import: () => {
        throw failure('Connect the lender first: no lender is connected.', 'phone_choose_lender');
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-choose'));
    await user.click(await screen.findByTestId('phone-import'));
    expect(await screen.findByTestId('phone-import-error')).toHaveTextContent('Connect the lender first');
  });

  it('gives each capture failure its own state and next step', async () => {
    let answer: () => unknown = () => {
      throw failure('adb was not found.', 'adb_missing');
    };
    phoneCommands({ phone_devices: () => answer() });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-tab-android'));
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_missing')).toHaveTextContent('sudo apt install adb');

    answer = () => [];
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_no_device')).toHaveTextContent('No phone found');
    expect(screen.queryByTestId('phone-capture-adb_missing')).not.toBeInTheDocument();

    answer = () => [device({ state: 'unauthorized', model: null })];
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_unauthorized')).toHaveTextContent('tap “Allow”');
    expect(screen.getByTestId('phone-device-R58N123ABC')).toHaveTextContent(
      'Android phone R58N123ABC Waiting for you to allow this computer on the phone',
    );
    expect(screen.getByTestId('phone-capture-start')).toBeDisabled();

    answer = () => [device({ state: 'no_permissions', model: null })];
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_no_permission')).toHaveTextContent(
      'android-sdk-platform-tools-common',
    );

    answer = () => [device({ state: 'offline', model: null }), device({ serial: 'R2', state: 'recovery', model: null })];
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_offline')).toHaveTextContent('restart it normally');
    expect(screen.getByTestId('phone-device-R2')).toHaveTextContent('Started in recovery mode');

    answer = () => {
      throw failure('adb: device offline (closed)', 'adb_failed');
    };
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_failed')).toHaveTextContent(
      'What adb said: adb: device offline (closed)',
    );
  });

  it('captures from the phone picked among several, with progress', async () => {
    const held = deferred<unknown>();
    let captureArgs: Args = {};
    phoneCommands({
      phone_devices: [device(), device({ serial: 'emulator-5554', model: 'sdk_gphone64' }), device({ serial: 'X1', state: 'offline', model: null }), device({ serial: 'Y2', state: 'no_permissions', model: null })],
      phone_capture: (args) => {
        captureArgs = args;
        return held.promise;
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-tab-android'));
    await user.click(screen.getByTestId('phone-look'));
    expect(await screen.findByTestId('phone-capture-adb_several_devices')).toHaveTextContent('Choose below which phone to read.');
    expect(screen.getByTestId('phone-device-X1')).toHaveTextContent('Not answering');
    expect(screen.getByTestId('phone-capture-start')).toBeDisabled();
    await user.click(within(screen.getByTestId('phone-device-emulator-5554')).getByRole('radio'));
    await user.click(screen.getByTestId('phone-capture-start'));
    expect(captureArgs).toMatchObject({ serial: 'emulator-5554', app: null, lenderId: null });
    report(captureArgs, { task: 'capture', phase: 'clock', done: 2, total: 7 });
    expect(await screen.findByText('The phone’s clock and time zone: 2 of 7')).toBeInTheDocument();
    held.resolve(importSummary({ source: androidSource() }));
    const result = await screen.findByTestId('phone-capture-result');
    expect(result).toHaveTextContent('12 observations of in.khata.sandbox.lender imported');
    expect(result).toHaveTextContent('Turn “USB debugging” off again');
  });

  it('asks for the app when the phone has none the lender declared', async () => {
    let captureArgs: Args = {};
    let attempts = 0;
    phoneCommands({
      phone_devices: [device()],
      phone_capture: (args) => {
        captureArgs = args;
        attempts += 1;
        if (attempts === 1) throw failure('Which app?', 'phone_choose_app');
        return importSummary();
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-tab-android'));
    await user.click(screen.getByTestId('phone-look'));
    await user.click(await screen.findByTestId('phone-capture-start'));
    expect(await screen.findByTestId('phone-capture-error')).toHaveTextContent('Give the app, then try again.');
    await user.type(screen.getByTestId('phone-capture-app'), 'in.lender.app');
    await user.click(screen.getByTestId('phone-capture-start'));
    expect(captureArgs).toMatchObject({ serial: 'R58N123ABC', app: 'in.lender.app' });
    expect(await screen.findByTestId('phone-capture-result')).toBeInTheDocument();
  });

  it('offers the phone’s own apps when no declared app is on it, and the phones when several appear', async () => {
    let captureArgs: Args = {};
    let attempts = 0;
    phoneCommands({
      phone_devices: [device()],
      phone_capture: (args) => {
        captureArgs = args;
        attempts += 1;
        if (attempts === 1) {
          throw { ...failure('Which app?', 'adb_choose_app'), packages: ['com.example.game', 'in.quickrupee.app'] };
        }
        if (attempts === 2) {
          throw {
            ...failure('Several phones.', 'adb_several_devices'),
            devices: [device(), device({ serial: 'emulator-5554', model: 'sdk_gphone64' })],
          };
        }
        return importSummary();
      },
    });
    const user = userEvent.setup();
    render(Phone);
    await user.click(await screen.findByTestId('phone-tab-android'));
    await user.click(screen.getByTestId('phone-look'));
    await user.click(await screen.findByTestId('phone-capture-start'));
    expect(await screen.findByTestId('phone-capture-error')).toHaveTextContent('Choose the lender’s app from the phone’s apps');
    await user.selectOptions(screen.getByTestId('phone-capture-app'), 'in.quickrupee.app');
    await user.click(screen.getByTestId('phone-capture-start'));
    expect(captureArgs).toMatchObject({ serial: 'R58N123ABC', app: 'in.quickrupee.app' });
    // A second phone was plugged in meanwhile: the error lists both to pick from.
    expect(await screen.findByTestId('phone-capture-adb_several_devices')).toBeInTheDocument();
    expect(screen.getByTestId('phone-capture-start')).toBeDisabled();
    await user.click(within(screen.getByTestId('phone-device-emulator-5554')).getByRole('radio'));
    await user.click(screen.getByTestId('phone-capture-start'));
    expect(captureArgs).toMatchObject({ serial: 'emulator-5554', app: 'in.quickrupee.app' });
    expect(await screen.findByTestId('phone-capture-result')).toBeInTheDocument();
  });

  it('lists each source with its hash, phone, time zone and limits, and what the phone saw', async () => {
    phoneCommands({
      phone_sources: [phoneSource(), androidSource()],
      phone_observations: [
        observation(),
        observation({
          resource: 'network',
          op: 'tracker.example.net',
          kind: 'network',
          state: 'unknown',
          count: 31,
          network: { domain: 'tracker.example.net', domainOwner: 'Example Ads', profiler: true, appInitiated: true },
        }),
        observation({
          source: ANDROID_SHA,
          platform: 'android',
          resource: 'callLog',
          op: 'READ_CALL_LOG',
          state: 'foreground',
          count: 1,
          firstAt: Date.UTC(2026, 10, 27, 6, 0),
          lastAt: Date.UTC(2026, 10, 27, 6, 0),
        }),
      ],
    });
    const user = userEvent.setup();
    render(Phone);
    const ios = await screen.findByTestId('phone-source-a1b2c3d4e5f6');
    expect(ios).toHaveTextContent('App_Privacy_Report_v4_2026-11-28T10_00_00.ndjson');
    expect(within(ios).getByTestId('phone-source-hash')).toHaveAttribute('title', IOS_SHA);
    expect(within(ios).getByTestId('phone-source-device')).toHaveTextContent('Not named in the file');
    expect(within(ios).getByTestId('phone-source-zone')).toHaveTextContent('Given with each time in the file');
    expect(within(ios).getByTestId('phone-source-limits')).toHaveTextContent('covers only the last 7 days');
    expect(ios).toHaveTextContent('Sandbox Lender');

    const android = screen.getByTestId('phone-source-f0e1d2c3b4a5');
    expect(within(android).getByTestId('phone-source-device')).toHaveTextContent('SM-A515F · Android 13 · R58N123ABC');
    expect(within(android).getByTestId('phone-source-zone')).toHaveTextContent('UTC+05:30, read from the phone');
    expect(within(android).getByTestId('phone-source-limits')).toHaveTextContent('only the last use of each kind');

    await user.click(within(ios).getByTestId('phone-source-observations'));
    const rows = within(screen.getByTestId('phone-observations-a1b2c3d4e5f6')).getAllByTestId('phone-observation');
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveTextContent('Contacts Used contacts');
    expect(rows[0]).toHaveTextContent('4 times');
    expect(rows[0]).toHaveTextContent('In the background');
    expect(rows[1]).toHaveTextContent('tracker.example.net (Example Ads)');
    expect(rows[1]).toHaveTextContent('Tracks people across apps');

    await user.click(within(android).getByTestId('phone-source-observations'));
    const call = within(screen.getByTestId('phone-observations-f0e1d2c3b4a5')).getByTestId('phone-observation');
    expect(call).toHaveTextContent('Call log');
    expect(call).toHaveTextContent('once');
    expect(call).toHaveTextContent('read in UTC+05:30');
    expect(call).toHaveTextContent('Open on screen');
  });

  it('offers the sandbox’s phone report for testing only when the sandbox is connected', async () => {
    const calls = phoneCommands({
      save_sandbox_phone_report: () => '/tmp/sandbox-phone.ndjson',
      phone_survey: survey({ format: 'ios-app-privacy-report' }),
    });
    const user = userEvent.setup();
    render(Phone);
    await screen.findByTestId('phone-qa');
    await user.selectOptions(screen.getByTestId('phone-qa-format'), 'android-cmd');
    await user.click(screen.getByTestId('phone-qa-save'));
    expect(calls.find((c) => c.command === 'save_sandbox_phone_report')?.args).toEqual({ format: 'android-cmd' });
    expect(await screen.findByTestId('phone-qa-saved')).toHaveTextContent('Saved to /tmp/sandbox-phone.ndjson.');
    await user.click(screen.getByTestId('phone-qa-import'));
    expect(await screen.findByTestId('phone-survey-file')).toHaveTextContent('sandbox-phone.ndjson');
  });

  it('hides the sandbox’s report when no sandbox is connected, and speaks Hindi', async () => {
    phoneCommands({ overview: overview({ lenders: [lender({ id: 'l2', name: 'QuickRupee', isSandbox: false })] }) });
    setLocale('hi');
    render(Phone);
    expect(await screen.findByTestId('phone-heading')).toHaveTextContent('आपका फ़ोन');
    expect(await screen.findByTestId('phone-sources-empty')).toHaveTextContent('अभी तक कुछ आयात नहीं हुआ।');
    expect(screen.queryByTestId('phone-qa')).not.toBeInTheDocument();
  });
});
