/**
 * Loading state for one command result: loading → ready | error, with reload. Views render the
 * three states; the error is the command's sentence (`CommandError.message`), never a stack.
 */
export type Loaded<T> = {
  readonly loading: boolean;
  readonly data: T | undefined;
  readonly error: string | undefined;
  /** Fetches again; keeps showing the old data while it does. */
  reload: () => Promise<void>;
};

export function load<T>(fetch: () => Promise<T>): Loaded<T> {
  const state = $state<{ loading: boolean; data: T | undefined; error: string | undefined }>({
    loading: true,
    data: undefined,
    error: undefined,
  });
  let generation = 0;

  async function reload() {
    const mine = ++generation;
    state.loading = true;
    try {
      const data = await fetch();
      if (mine !== generation) return;
      state.data = data;
      state.error = undefined;
    } catch (error) {
      if (mine !== generation) return;
      state.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (mine === generation) state.loading = false;
    }
  }

  void reload();

  return {
    get loading() {
      return state.loading;
    },
    get data() {
      return state.data;
    },
    get error() {
      return state.error;
    },
    reload,
  };
}

/** The message of anything thrown by `api.*`. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
