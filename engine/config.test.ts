import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { EarshotError } from './errors.js';

describe('configuration', () => {
  it('has embedded defaults', () => {
    const c = loadConfig([], {});
    expect(c).toMatchObject({ host: '127.0.0.1', port: 8080, deadAirMs: 8000, metricIntervalMs: 5000, logLevel: 'info' });
    expect(c.dataDir.endsWith('/data')).toBe(true);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes flags over environment over defaults', () => {
    const env = { EARSHOT_PORT: '7000', EARSHOT_DATA_DIR: '/tmp/from-env', EARSHOT_DEAD_AIR_MS: '5000' };
    expect(loadConfig([], env)).toMatchObject({ port: 7000, dataDir: '/tmp/from-env', deadAirMs: 5000 });
    expect(loadConfig(['--port', '9000', '--data-dir', '/tmp/x'], env)).toMatchObject({ port: 9000, dataDir: '/tmp/x', deadAirMs: 5000 });
  });

  it('rejects bad values and unknown flags with a reason naming the option', () => {
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--port', 'eighty'], {}, /port \(--port\) must be an integer/],
      [['--port', '70000'], {}, /port \(--port\) must be between 0 and 65535/],
      [[], { EARSHOT_DEAD_AIR_MS: '10' }, /deadAirMs \(EARSHOT_DEAD_AIR_MS\) must be between/],
      [['--log-level', 'loud'], {}, /logLevel .* must be one of/],
      [['--colour', 'red'], {}, /Unknown option '--colour'/],
    ];
    for (const [argv, env, reason] of bad) {
      let thrown: unknown;
      try {
        loadConfig(argv, env);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(EarshotError);
      expect((thrown as EarshotError).code).toBe('EARSHOT_ERR_CONFIG_INVALID');
      expect((thrown as EarshotError).message).toMatch(reason);
    }
  });
});
