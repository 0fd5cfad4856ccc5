import { watchFolder, type FolderWatcher, type WatchFolderOptions } from '../engine/watch-folder.js';
import { loadKnowledgeBase, type KnowledgeBase } from './loader.js';

export type KbWatcher = FolderWatcher;

/**
 * Reload the whole KB folder whenever a file under it changes and hand the result to `onChange`. A reload
 * with errors still delivers the good articles with the errors, so the caller keeps serving; a KB of hundreds
 * of articles loads in milliseconds.
 */
export function watchKnowledgeBase(dir: string, onChange: (result: KnowledgeBase) => void, options: WatchFolderOptions = {}): KbWatcher {
  return watchFolder(
    dir,
    () => {
      const result = loadKnowledgeBase(dir);
      onChange(result);
      return { missing: result.errors.some((e) => e.code === 'EARSHOT_ERR_KB_NOT_FOUND') };
    },
    options,
  );
}
