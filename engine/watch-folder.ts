import { readdirSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface FolderWatcher {
  close(): void;
}

export interface WatchFolderOptions {
  /** Quiet time after the last file event before reloading: an editor's save is several events. */
  debounceMs?: number;
  /** While the folder is missing, how often to look for it again. */
  retryMs?: number;
  /** false: one watcher per folder, re-listed on each reload (what Node before 19.1 needs on Linux). */
  recursive?: boolean;
}

function folders(dir: string): string[] {
  const out = [dir];
  for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith('.')) out.push(...folders(join(dir, e.name)));
  return out;
}

/**
 * Reload a whole content folder (knowledge base, rules) whenever a file under it changes, debounced: `reload`
 * loads it and hands the result on, and says whether the folder itself is missing (then it is looked for
 * again every `retryMs` until it is back). Whole-folder reloads keep it simple and correct (duplicate ids span
 * files). Watchers do not keep the process alive.
 */
export function watchFolder(dir: string, reload: () => { missing: boolean }, options: WatchFolderOptions = {}): FolderWatcher {
  const { debounceMs = 300, retryMs = 2000 } = options;
  let watchers: FSWatcher[] = [];
  let recursive = options.recursive ?? true;
  let timer: NodeJS.Timeout | undefined;
  let retry: NodeJS.Timeout | undefined;
  let closed = false;

  const stop = (): void => {
    for (const w of watchers) w.close();
    watchers = [];
  };
  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(onTimer, debounceMs);
  };

  function start(): boolean {
    stop();
    try {
      if (recursive) {
        try {
          watchers = [watch(dir, { recursive: true, persistent: false }, schedule)];
        } catch (err) {
          // Node before 19.1 had no recursive watching on Linux: fall back to one watcher per folder.
          if ((err as NodeJS.ErrnoException).code !== 'ERR_FEATURE_UNAVAILABLE_ON_PLATFORM') throw err;
          recursive = false;
        }
      }
      if (!recursive) watchers = folders(dir).map((d) => watch(d, { persistent: false }, schedule));
    } catch {
      stop();
      return false;
    }
    for (const w of watchers) w.on('error', () => lost(true));
    return true;
  }

  /** The folder went away (or cannot be watched): report it by a reload if asked, then look for it until it is back. */
  function lost(report: boolean): void {
    stop();
    if (report) schedule();
    if (retry || closed) return;
    retry = setInterval(() => {
      if (!start()) return;
      clearInterval(retry);
      retry = undefined;
      schedule();
    }, retryMs);
    retry.unref();
  }

  function onTimer(): void {
    timer = undefined;
    if (closed) return;
    if (reload().missing) {
      if (watchers.length > 0) lost(false);
    } else if (!recursive) start();
  }

  // A folder missing at start was reported by the caller's own first load: just wait for it.
  if (!start()) lost(false);
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      clearInterval(retry);
      stop();
    },
  };
}
