import { fireEvent, render, screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TimelineQuery } from '../lib/bindings/TimelineQuery';
import { setLocale } from '../lib/i18n/i18n.svelte';
import { consent, disclosure, overview } from '../test/fixtures';
import { failure, mockCommands } from '../test/ipc';
import { androidSource, ANDROID_SHA, phoneSource, timelineItem } from '../test/phoneFixtures';
import { navigation } from '../lib/navigation.svelte';
import Timeline from './Timeline.svelte';

// jsdom lays nothing out; give elements a size so the virtualiser has a viewport to fill.
const sizes = {
  offsetHeight: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetHeight'),
  offsetWidth: Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'offsetWidth'),
  clientHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'clientHeight'),
  scrollHeight: Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight'),
};
const scrollTo = Element.prototype.scrollTo;
beforeAll(() => {
  Object.defineProperty(HTMLElement.prototype, 'offsetHeight', { configurable: true, get: () => 640 });
  Object.defineProperty(HTMLElement.prototype, 'offsetWidth', { configurable: true, get: () => 800 });
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: () => 640 });
  // A scroller is as tall as the (absolutely sized) list inside it.
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return parseFloat((this.firstElementChild as HTMLElement | null)?.style.height ?? '') || 0;
    },
  });
  // Scrolling an element moves it and fires `scroll`, as in a browser.
  Element.prototype.scrollTo = function (this: Element, options?: ScrollToOptions | number) {
    if (typeof options === 'object' && options.top !== undefined) this.scrollTop = options.top;
    this.dispatchEvent(new Event('scroll'));
  } as typeof Element.prototype.scrollTo;
});
afterAll(() => {
  Element.prototype.scrollTo = scrollTo;
  for (const name of ['offsetHeight', 'offsetWidth', 'clientHeight', 'scrollHeight'] as const) {
    delete (HTMLElement.prototype as unknown as Record<string, unknown>)[name];
    const descriptor = sizes[name];
    if (descriptor && (name === 'offsetHeight' || name === 'offsetWidth')) {
      Object.defineProperty(HTMLElement.prototype, name, descriptor);
    }
  }
});
beforeEach(() => setLocale('en'));

/** A vault of `total` disclosures served in pages, like the engine's keyset paging. */
function vault(total: number) {
  return (args: Record<string, unknown>) => {
    const query = args.query as TimelineQuery;
    const start = query.cursor ? Number(query.cursor) : 0;
    const end = Math.min(start + query.limit, total);
    const items = [];
    for (let id = start + 1; id <= end; id++) items.push(disclosure(id));
    return { items, nextCursor: end < total ? String(end) : null, total, phone: [] };
  };
}

describe('Timeline', () => {
  it('renders only the rows in view out of a million', async () => {
    mockCommands({ overview: overview(), timeline: vault(1_000_000) });
    render(Timeline, { pageSize: 200 });
    expect(await screen.findByTestId('timeline-total')).toHaveTextContent('10,00,000 disclosures');
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row').length).toBeGreaterThan(5));
    // 640 px of 64 px rows plus overscan: a handful, never the whole page.
    expect(screen.getAllByTestId('timeline-row').length).toBeLessThan(40);
  });

  it('loads the next page by cursor when scrolled near the end', async () => {
    const calls = mockCommands({ overview: overview(), timeline: vault(1000) });
    render(Timeline, { pageSize: 50 });
    await screen.findByTestId('timeline-total');
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row').length).toBeGreaterThan(0));
    const list = screen.getByTestId('timeline-list');
    list.scrollTop = 50 * 64 - 640;
    await fireEvent.scroll(list);
    await vi.waitFor(() => {
      const pages = calls.filter((call) => call.command === 'timeline');
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect((pages[1].args.query as TimelineQuery).cursor).toBe('50');
    });
    await vi.waitFor(() => expect(screen.getByTestId('timeline-total')).toHaveTextContent('100 loaded'));
  });

  it('moves between rows with the arrow keys, End and Home', async () => {
    mockCommands({ overview: overview(), timeline: vault(30) });
    const user = userEvent.setup();
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row').length).toBeGreaterThan(2));
    screen.getAllByTestId('timeline-row')[0].focus();
    await user.keyboard('{ArrowDown}');
    await vi.waitFor(() => expect(document.activeElement).toHaveAttribute('data-index', '1'));
    await user.keyboard('{End}');
    await vi.waitFor(() => expect(document.activeElement).toHaveAttribute('data-index', '29'));
    await user.keyboard('{Home}');
    await vi.waitFor(() => expect(document.activeElement).toHaveAttribute('data-index', '0'));
  });

  it('sends the filters as the query', async () => {
    const calls = mockCommands({ overview: overview(), timeline: vault(3) });
    const user = userEvent.setup();
    render(Timeline);
    await screen.findByTestId('timeline-total');
    await user.selectOptions(screen.getByTestId('timeline-filter-lender'), 'sandbox');
    // The categories present, by their words, the term in the tooltip.
    const categories = screen.getByTestId('timeline-filter-category');
    expect([...categories.querySelectorAll('option')].map((option) => option.textContent)).toEqual([
      'Any kind of data',
      'Location',
    ]);
    expect(categories.querySelector('option[value="pd:Location"]')).toHaveAttribute(
      'title',
      'Data Privacy Vocabulary term: pd:Location',
    );
    await user.selectOptions(categories, 'pd:Location');
    await user.type(screen.getByTestId('timeline-filter-signal'), 'location');
    await fireEvent.input(screen.getByTestId('timeline-filter-from'), { target: { value: '2026-11-01' } });
    await user.click(screen.getByTestId('timeline-apply'));
    await vi.waitFor(() => expect(calls.filter((call) => call.command === 'timeline')).toHaveLength(2));
    const query = calls.filter((call) => call.command === 'timeline')[1].args.query as TimelineQuery;
    expect(query).toMatchObject({
      lenderId: 'sandbox',
      dpvCategory: 'pd:Location',
      signal: 'location',
      from: new Date(2026, 10, 1).getTime(),
      to: null,
      cursor: null,
    });
  });

  it('names each row’s kind of data in plain words, the DPV term in its tooltip', async () => {
    mockCommands({
      overview: overview(),
      timeline: {
        items: [disclosure(1, { dpvCategory: 'pd:Income', signalName: 'Income from SMS' }), disclosure(2)],
        nextCursor: null,
        total: 2,
        phone: [],
      },
    });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row')).toHaveLength(2));
    const income = within(screen.getByTestId('timeline-list')).getByTitle('Data Privacy Vocabulary term: pd:Income');
    expect(income).toHaveTextContent('Income');
    expect(screen.getByTestId('timeline-list')).not.toHaveTextContent('pd:');
    // Sorted by their words.
    expect(
      [...screen.getByTestId('timeline-filter-category').querySelectorAll('option')].map((option) => option.value),
    ).toEqual(['', 'pd:Income', 'pd:Location']);
    setLocale('hi');
    await vi.waitFor(() => expect(income).toHaveTextContent('आमदनी'));
    expect(screen.getByTestId('timeline-filter-category')).toHaveTextContent('हर तरह की जानकारी');
  });

  it('opens a row’s evidence: consent, digest, signature and the signed statement', async () => {
    mockCommands({
      overview: overview(),
      timeline: vault(3),
      evidence: (args) => ({
        disclosure: disclosure(args.disclosureId as number),
        consent: consent(),
        statementJson: '{\n  "signal": "location"\n}',
        signatureKeyId: 'ed25519:sandbox-1',
        signatureVerified: true,
        ledgerSeq: 42,
      }),
    });
    const user = userEvent.setup();
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row').length).toBe(3));
    await user.click(screen.getAllByTestId('timeline-row')[0]);
    expect(await screen.findByTestId('evidence-digest')).toHaveTextContent('sha256:');
    expect(screen.getByTestId('evidence-dialog')).toHaveAttribute('open');
    expect(screen.getByTestId('evidence-signature')).toHaveTextContent('Signature verified');
    expect(screen.getByTestId('evidence-consent')).toHaveTextContent('Credit assessment for a personal loan');
    expect(screen.getByTestId('evidence-statement')).toHaveTextContent('"signal": "location"');
    await user.click(screen.getByTestId('evidence-close'));
    expect(screen.getByTestId('evidence-dialog')).not.toHaveAttribute('open');
  });

  it('has empty and error states', async () => {
    mockCommands({ overview: overview(), timeline: vault(0) });
    const { unmount } = render(Timeline);
    expect(await screen.findByTestId('timeline-empty')).toBeInTheDocument();
    unmount();
    mockCommands({
      overview: overview(),
      timeline: () => {
        throw failure('The vault could not be read.');
      },
    });
    render(Timeline);
    expect(await screen.findByTestId('timeline-error')).toHaveTextContent('The vault could not be read.');
  });
});

describe('Timeline: seen by your phone', () => {
  it('sets what the phone saw among the lender’s declarations, each row saying whose it is', async () => {
    const calls = mockCommands({
      overview: overview(),
      // Disclosures 1…3 were collected 1, 2 and 3 minutes before NOW; the phone's rows fall between.
      timeline: () => ({
        items: [disclosure(1), disclosure(2), disclosure(3)],
        nextCursor: null,
        total: 3,
        phone: [
          timelineItem({ firstAt: disclosure(1).collectedAt - 30_000, lastAt: disclosure(1).collectedAt - 30_000, count: 1 }),
          timelineItem(
            {
              source: ANDROID_SHA,
              platform: 'android',
              resource: 'callLog',
              op: 'READ_CALL_LOG',
              state: 'background',
              firstAt: disclosure(3).collectedAt - 1,
              lastAt: disclosure(3).collectedAt - 1,
              count: 6,
            },
            'khata-capture-R58N123ABC.txt',
          ),
        ],
      }),
      phone_sources: [phoneSource(), androidSource()],
    });
    const user = userEvent.setup();
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-phone-row')).toHaveLength(2));
    const order = [...document.querySelectorAll('[data-index]')].map((row) => row.getAttribute('data-testid'));
    expect(order).toEqual(['timeline-row', 'timeline-phone-row', 'timeline-row', 'timeline-row', 'timeline-phone-row']);
    // The count is of the lender's disclosures.
    expect(screen.getByTestId('timeline-total')).toHaveTextContent('3 disclosures · 3 loaded');
    expect(screen.getByTestId('timeline-phone-note')).toHaveTextContent('Seen by your phone');

    const declared = screen.getAllByTestId('timeline-row')[0];
    expect(declared).toHaveTextContent('Declared by the lender');
    const [contacts, callLog] = screen.getAllByTestId('timeline-phone-row');
    expect(contacts).toHaveTextContent('Seen by your phone');
    expect(contacts).toHaveTextContent('Contacts Used');
    expect(contacts).toHaveTextContent('once · In the background · App_Privacy_Report_v4_2026-11-28T10_00_00.ndjson');
    expect(callLog).toHaveTextContent('Call log');
    expect(callLog).toHaveTextContent('6 times · In the background · khata-capture-R58N123ABC.txt');
    // Android times say the zone they were read in (from the phone's sources, read once).
    await vi.waitFor(() => expect(callLog).toHaveTextContent('read in UTC+05:30'));
    expect(contacts).not.toHaveTextContent('read in');
    expect(calls.filter((call) => call.command === 'phone_sources')).toHaveLength(1);

    // Keys move through both kinds of row; a phone row leads to Your phone.
    declared.focus();
    await user.keyboard('{ArrowDown}');
    await vi.waitFor(() => expect(document.activeElement).toBe(contacts));
    await user.keyboard('{Enter}');
    expect(navigation.view).toBe('phone');
  });

  it('labels nothing when the phone saw nothing, as before', async () => {
    const calls = mockCommands({ overview: overview(), timeline: vault(3) });
    render(Timeline);
    await vi.waitFor(() => expect(screen.getAllByTestId('timeline-row')).toHaveLength(3));
    expect(screen.getAllByTestId('timeline-row')[0]).not.toHaveTextContent('Declared by the lender');
    expect(screen.queryByTestId('timeline-phone-note')).not.toBeInTheDocument();
    expect(calls.some((call) => call.command === 'phone_sources')).toBe(false);
  });
});
