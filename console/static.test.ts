import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../engine/log.js';
import { CONSOLE_PAGES, registerConsoleStatic } from './static.js';

describe('console static serving', () => {
  const empty = mkdtempSync(join(tmpdir(), 'earshot-console-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('says how to build the console when it is not built, on every page route', async () => {
    const app = Fastify();
    await registerConsoleStatic(app, createLogger('silent'), empty);
    for (const url of CONSOLE_PAGES.map((p) => p.replace(':agentId', 'a-1').replace(':callId', 'c-1'))) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(503);
      expect(res.body).toContain('npm run build');
    }
    await app.close();
  });
});
