import type { Logger } from 'pino';
import { watchFolder, type FolderWatcher } from '../watch-folder.js';
import { compileRules } from './compile.js';
import { createCallDetector, type AlertBody, type CallDetector, type DetectorOptions } from './detector.js';
import type { CompiledRule, KindOptions } from './evaluator.js';
import type { RuleError, RuleSet } from './rule.js';
import { loadRules } from './rule-loader.js';

export interface RuleService {
  /** The active rule set (what new calls are judged by). */
  readonly active: RuleSet;
  /** Problems of the last load: rejected rules, or a reload refused as a whole. */
  readonly errors: readonly RuleError[];
  /** When the last reload was refused, when that was: the active set is then older than the files. */
  readonly staleSince: number | null;
  readonly dir: string;
  /** A detector for a new call, on the rule set active now (a call keeps its rule set to the end). */
  detector(callId: string, emit: (alert: AlertBody) => void, options?: DetectorOptions): CallDetector & { ruleSetVersion: string };
  reload(): void;
  close(): void;
}

/**
 * Loads the rules folder, compiles it, and reloads it when files change. At start the valid rules are used
 * and the invalid ones reported; a later reload with any invalid rule is refused whole and the previous good
 * rule set stays active (a half-edited file must not switch compliance rules off), until the files are fixed.
 */
export function createRuleService(dir: string, options: KindOptions & { watch: boolean }, log: Logger): RuleService {
  let active: RuleSet;
  let compiled: CompiledRule[];
  let errors: RuleError[];
  let staleSince: number | null = null;

  const first = loadRules(dir);
  active = first.set;
  compiled = compileRules(active.rules.map((r) => r.rule), options);
  errors = first.errors;
  for (const e of errors) log.warn({ err: e }, 'rule rejected');
  log.info({ rules: active.rules.length, version: active.version, rejected: errors.length }, 'rules loaded');

  function reload(): { missing: boolean } {
    const next = loadRules(dir);
    errors = next.errors;
    if (next.errors.length > 0) {
      staleSince = Date.now();
      for (const e of next.errors) log.warn({ err: e }, 'rule rejected; the previous rule set stays active');
    } else if (next.set.version !== active.version) {
      active = next.set;
      compiled = compileRules(active.rules.map((r) => r.rule), options);
      staleSince = null;
      log.info({ rules: active.rules.length, version: active.version }, 'rules reloaded');
    } else {
      staleSince = null;
    }
    return { missing: next.errors.some((e) => e.code === 'EARSHOT_ERR_RULES_NOT_FOUND') };
  }

  const watcher: FolderWatcher | null = options.watch ? watchFolder(dir, reload) : null;
  return {
    get active() {
      return active;
    },
    get errors() {
      return errors;
    },
    get staleSince() {
      return staleSince;
    },
    dir,
    detector(callId, emit, detectorOptions) {
      return Object.assign(createCallDetector(callId, compiled, emit, detectorOptions), { ruleSetVersion: active.version });
    },
    reload() {
      reload();
    },
    close() {
      watcher?.close();
    },
  };
}
