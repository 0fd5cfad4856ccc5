// Runs the TypeScript worker from sources (tests, `tsx`): registers tsx in this thread, then loads it.
// Built installs start dist/engine/analysis/worker.js directly and never load this file.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
