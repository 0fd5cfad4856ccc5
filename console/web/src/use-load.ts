import { useEffect, useState } from 'preact/hooks';

/**
 * Data read for a key (the filters it was read with): while a new key loads nothing of the previous key's is
 * shown, and an answer that arrives after the key changed is dropped. An empty key reads nothing.
 */
export function useLoad<T>(key: string, load: () => Promise<T>): { data?: T; error?: string } {
  const [loaded, setLoaded] = useState<{ key: string; data?: T; error?: string } | null>(null);
  useEffect(() => {
    if (!key) return;
    let current = true;
    load().then(
      (data) => current && setLoaded({ key, data }),
      (err: Error) => current && setLoaded({ key, error: err.message }),
    );
    return () => void (current = false);
  }, [key]);
  return loaded?.key === key ? { data: loaded.data, error: loaded.error } : {};
}
