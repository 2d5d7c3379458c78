import { useCallback, useEffect, useState } from 'react';

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs an async read on mount, when a value in `deps` changes, and on reload, keeping the
 * latest answer or error. `deps` names plain values only: react-admin's data provider
 * proxy is not referentially stable across renders and would re-run the read forever.
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [generation, setGeneration] = useState(0);
  // The caller names what the read depends on.
  const run = useCallback(load, deps);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    run().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [run, generation]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setGeneration((g) => g + 1) };
}
