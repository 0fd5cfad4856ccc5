/**
 * The Scorecard contract (DESIGN.md "Contracts"): a centre's 话务质检表 as a declarative file — sections of
 * items with points, judged from the call's rule alerts — validated at load (scorecard-validate.ts) and applied
 * to every ended call (score.ts). docs/qa.md documents the fields; knowledge/scorecards/ holds the default.
 */
import type { PhraseSet, RuleChannel } from '../detect/rule.js';

/** `score` items make up the base total; `bonus` items add (加分); `penalty` items subtract (减分). */
export type ItemKind = 'score' | 'bonus' | 'penalty';

/**
 * Points per occurrence of a rule's alerts, up to `max` (counts with caps). `per: alert` counts alerts
 * instead: repeats merged into one alert within the rule's cooldown are one episode (a fast-speaking stretch).
 */
export interface RulePoints {
  rule: string;
  points: number;
  max?: number;
  per?: 'occurrence' | 'alert';
}

/** The item is not applicable unless this happened in the call: a rule fired, or a phrase was said. */
export type Applicability = { rule: string } | { said: PhraseSet & { channel?: RuleChannel } };

export interface ScorecardItem {
  id: string;
  name: string;
  /** Full marks (score items), the most added (bonus) or taken (penalty). 0 for a veto-only item. */
  points: number;
  kind?: ItemKind;
  description?: string;
  /** Score items: points off per occurrence. */
  deduct?: RulePoints[];
  /** Bonus and penalty items: points per occurrence. */
  add?: RulePoints[];
  /** The item scores 0 once one of these rules fired `atLeast` times (a threshold). */
  failIf?: { rule: string; atLeast: number }[];
  /** One of these rules firing fails the whole call (一票否决). */
  veto?: string[];
  notApplicableUnless?: Applicability;
  /** Shown when the item is not applicable (e.g. 本次通话无保持). */
  notApplicableReason?: string;
}

export interface ScorecardSection {
  id: string;
  name: string;
  items: ScorecardItem[];
}

export interface Scorecard {
  id: string;
  /** Author's version label; the result also records a content hash. */
  version: string;
  name: string;
  /** A call passes at this total or above (85: a new agent's go-live check). */
  passMark: number;
  /** A veto scores the call 0 (`zero`, default) or only fails it, keeping its points (`fail`). */
  vetoMode?: 'zero' | 'fail';
  sections: ScorecardSection[];
}

export interface ScorecardError {
  code: 'EARSHOT_ERR_SCORECARD_INVALID';
  file: string;
  line?: number;
  field: string;
  reason: string;
}

export interface LoadedScorecard {
  scorecard: Scorecard;
  /** `<version>+<content hash>`: what a result records. */
  version: string;
  file: string;
}
