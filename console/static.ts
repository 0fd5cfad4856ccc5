import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { packageRoot } from '../engine/paths.js';
import { PAGES } from './web/src/pages.js';

/**
 * Where `npm run build` (Vite) writes the console: dist/web under the package root (dist/console holds the server's own compiled console/*.ts), or
 * EARSHOT_CONSOLE_DIR (a console built elsewhere, e.g. `EARSHOT_CONSOLE_OUT=… npm run build:console`).
 */
export function consoleBuildDir(): string {
  return process.env.EARSHOT_CONSOLE_DIR ?? join(packageRoot(import.meta.url), 'dist', 'web');
}

/** The console's page routes; each is answered with the single-page app. */
export const CONSOLE_PAGES: readonly string[] = Object.values(PAGES);

const NOT_BUILT = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Earshot console not built</title>
<body style="font-family:system-ui;margin:2rem"><h1>The console is not built</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds first). The API is up: try <a href="/v1/calls">/v1/calls</a>.</p></body></html>`;

/**
 * Serves the built console (hashed assets under /assets/, cached for a year) and answers every page route
 * with its index.html; the API keeps its own JSON 404s. Everything is local: the page loads nothing from
 * outside the server.
 */
export async function registerConsoleStatic(app: FastifyInstance, log: Logger, dir = consoleBuildDir()): Promise<void> {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) {
    log.warn({ dir }, 'console not built: run `npm run build`; serving a notice at /');
    for (const page of CONSOLE_PAGES) app.get(page, async (_req, reply) => reply.status(503).type('text/html; charset=utf-8').send(NOT_BUILT));
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(join(dir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  for (const page of CONSOLE_PAGES) {
    app.get(page, async (_req, reply) => reply.sendFile('index.html'));
  }
}
