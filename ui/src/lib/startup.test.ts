import { beforeEach, describe, expect, it } from 'vitest';
import { EMPTY_OVERVIEW, access } from '../test/fixtures';
import { mockCommands } from '../test/ipc';
import { dropPrefetchedOverview, firstOverview, prefetchOverview, prefetchStartup, takeStartupAccess } from './startup';

const overviews = (calls: { command: string }[]) =>
  calls.filter((call) => call.command === 'overview').length;

beforeEach(() => dropPrefetchedOverview());

describe('the launch-time overview', () => {
  it('is asked for once and handed to the first Home; later reads ask again', async () => {
    const calls = mockCommands({ overview: EMPTY_OVERVIEW });
    prefetchOverview();
    expect(overviews(calls)).toBe(1);
    expect(await firstOverview()).toEqual(EMPTY_OVERVIEW);
    expect(overviews(calls)).toBe(1);
    expect(await firstOverview()).toEqual(EMPTY_OVERVIEW);
    expect(overviews(calls)).toBe(2);
  });

  it('is asked for again when the launch-time request failed (vault still locked)', async () => {
    let locked = true;
    const calls = mockCommands({
      overview: () => {
        if (locked) throw { code: 'vault_locked', message: 'The vault is locked.' };
        return EMPTY_OVERVIEW;
      },
    });
    prefetchOverview();
    await Promise.resolve();
    locked = false;
    expect(await firstOverview()).toEqual(EMPTY_OVERVIEW);
    expect(overviews(calls)).toBe(2);
  });

  it('is forgotten once the borrower goes to another screen first', async () => {
    let asked = 0;
    const calls = mockCommands({
      overview: () => ({ ...EMPTY_OVERVIEW, disclosures: asked++ }),
    });
    prefetchOverview();
    dropPrefetchedOverview();
    expect((await firstOverview()).disclosures).toBe(1);
    expect(overviews(calls)).toBe(2);
  });

  it('is asked for with the vault status before the app mounts, each once', async () => {
    const calls = mockCommands({ overview: EMPTY_OVERVIEW, vault_access: access() });
    prefetchStartup();
    expect(calls.map((call) => call.command)).toEqual(['vault_access', 'overview']);
    expect(await takeStartupAccess()).toEqual(access());
    expect(takeStartupAccess()).toBeNull();
    expect(await firstOverview()).toEqual(EMPTY_OVERVIEW);
    expect(overviews(calls)).toBe(1);
  });
});
