import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{engine,gateway,console,knowledge,models,test}/**/*.test.ts'],
    // Native addons (better-sqlite3) and real servers: one process per file, two at a time on CI's 2 cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    // onnxruntime-node's usage telemetry stays off in tests too (see engine/analysis/start.ts).
    env: { ORT_DISABLE_TELEMETRY: '1' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
