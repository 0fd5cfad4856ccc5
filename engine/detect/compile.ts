import type { CompiledRule, KindOptions } from './evaluator.js';
import { compileAbsence } from './kinds/absence.js';
import { compileDuration } from './kinds/duration.js';
import { compileEmotion } from './kinds/emotion.js';
import { compilePhrase } from './kinds/phrase.js';
import { compileRate } from './kinds/rate.js';
import { compileSequence } from './kinds/sequence.js';
import { compileSilence } from './kinds/silence.js';
import { compileTalkover } from './kinds/talkover.js';
import type { Rule } from './rule.js';

export const DEFAULT_KIND_OPTIONS: KindOptions = { deadAirMs: 8000, windowGraceMs: 1500 };

export function compileRule(rule: Rule, options: KindOptions): CompiledRule {
  switch (rule.kind) {
    case 'phrase':
      return compilePhrase(rule);
    case 'absence':
      return compileAbsence(rule, options);
    case 'sequence':
      return compileSequence(rule, options);
    case 'silence':
      return compileSilence(rule, options);
    case 'talkover':
      return compileTalkover(rule);
    case 'rate':
      return compileRate(rule);
    case 'emotion':
      return compileEmotion(rule);
    case 'duration':
      return compileDuration(rule);
  }
}

/** The enabled rules compiled, each after the rules its window depends on (validation rejected cycles). */
export function compileRules(rules: readonly Rule[], options: KindOptions = DEFAULT_KIND_OPTIONS): CompiledRule[] {
  const byId = new Map(rules.filter((r) => r.enabled !== false).map((r) => [r.id, r]));
  const out: CompiledRule[] = [];
  const done = new Set<string>();
  const visit = (r: Rule, depth: number): void => {
    if (done.has(r.id) || depth > byId.size) return;
    const dep = r.window?.afterRule !== undefined ? byId.get(r.window.afterRule) : undefined;
    if (dep) visit(dep, depth + 1);
    done.add(r.id);
    out.push(compileRule(r, options));
  };
  for (const r of byId.values()) visit(r, 0);
  return out;
}
