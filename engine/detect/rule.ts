/**
 * The Rule contract (DESIGN.md "Contracts"): declarative compliance and service rules, written as YAML or
 * JSON files in a rules folder, validated at load (rule-validate.ts) and evaluated per call (detector.ts).
 * docs/rules.md documents every field; knowledge/rules/ holds the default pack.
 */
import type { EndReason, MatchedFormField, Severity } from '../events.js';

export type RuleKind = 'phrase' | 'absence' | 'sequence' | 'silence' | 'talkover' | 'rate' | 'emotion' | 'duration';
export const RULE_KINDS: readonly RuleKind[] = ['phrase', 'absence', 'sequence', 'silence', 'talkover', 'rate', 'emotion', 'duration'];

/** Whose speech a rule listens to; for `silence`, `any` means every channel silent at once (dead air). */
export type RuleChannel = 'agent' | 'customer' | 'any';
export type RuleNotify = 'agent' | 'supervisor' | 'both' | 'none';

/**
 * How far a phrase may be from what was recognised:
 * - `exact`: the normalised text only (traditional → simplified, full/half width, punctuation and fillers gone);
 * - `homophone`: also the same toneless pinyin (保本 heard as 报本), and pinyin-only transcripts;
 * - `fuzzy`: also the fuzzy-pinyin pairs of Chinese input methods (z/zh, c/ch, s/sh, n/l, an/ang, en/eng,
 *   in/ing) and, for phrases of 3+ syllables, one syllable that sounds alike (same initial, final or rime).
 */
export type Fuzziness = 'exact' | 'homophone' | 'fuzzy';
export const FUZZINESS: readonly Fuzziness[] = ['exact', 'homophone', 'fuzzy'];

/** Which form of the utterance a phrase was found in (reported on the alert). */
export type MatchedForm = MatchedFormField;

export interface PhraseSet {
  /** Literal phrases (hanzi, Latin or digits), matched after normalisation. */
  phrases?: string[];
  /** JavaScript regular expressions over the normalised text without spaces (hanzi transcripts only). */
  regex?: string[];
  /** `any` (default): one phrase is enough; `all`: every phrase; `atLeast`: `minCount` different phrases. */
  match?: 'any' | 'all' | 'atLeast';
  minCount?: number;
  fuzziness?: Fuzziness;
  /** A negation word just before the phrase, in the same clause, cancels it (不会让您久等 is no 让您久等). */
  negatable?: boolean;
  /** Longer phrases that contain a hit and make it harmless (e.g. 保本 inside 不保本). */
  except?: string[];
}

/**
 * Where in the call a rule applies. `fromMs`/`toMs`: a span of call time (the first 20 s: toMs 20000);
 * `lastMs`: the last N ms of the call (judged when the call ends); `afterRule` + `withinMs`: the N ms after
 * each hit of another rule.
 */
export interface RuleWindow {
  fromMs?: number;
  toMs?: number;
  lastMs?: number;
  afterRule?: string;
  withinMs?: number;
}

interface RuleBase<K extends RuleKind> {
  id: string;
  kind: K;
  /** One line: what the rule checks and why (shown to supervisors and rule authors). */
  description: string;
  channel: RuleChannel;
  severity: Severity;
  notify: RuleNotify;
  /** Another hit of the rule within this long after the last alert is merged into it (default 0: never). */
  cooldownMs?: number;
  /** The scorecard item this rule feeds (QA). */
  scorecardItem?: string;
  window?: RuleWindow;
  /** false: loaded and listed, not evaluated. */
  enabled?: boolean;
}

/** A phrase said (forbidden phrases, red-flag promises, complaint threats). */
export interface PhraseRule extends RuleBase<'phrase'>, PhraseSet {
  /** `utterance` (default): all/atLeast within one utterance; `call`: across the call (inside the window). */
  scope?: 'utterance' | 'call';
}

/** A required phrase not said inside its window; fires when the window closes. */
export interface AbsenceRule extends RuleBase<'absence'>, PhraseSet {
  /** Calls shorter than this are not judged (a dropped call has no closing). */
  minCallMs?: number;
}

export type SequenceMode = 'required-after' | 'forbidden-after' | 'required-before' | 'required-on-return';

/**
 * Two phrase sets in order. `channel` (the rule's) is whose `expect` phrases count; `trigger.channel` whose
 * trigger phrases count. Modes:
 * - `required-after`: after a trigger, an expect phrase must follow within `withinMs`;
 * - `forbidden-after`: after a trigger, no expect phrase within `withinMs`;
 * - `required-before`: an expect phrase is only allowed once a trigger was said (within `withinMs` before, when set);
 * - `required-on-return`: after a trigger, once the channel fell silent at least `minGapMs` (a hold), its
 *   first utterance must contain an expect phrase (对不起，让您久等了).
 */
export interface SequenceRule extends RuleBase<'sequence'> {
  mode: SequenceMode;
  trigger: PhraseSet & { channel?: RuleChannel };
  expect: PhraseSet;
  withinMs?: number;
  minGapMs?: number;
}

/**
 * Silence longer than `minSilenceMs` (default: the server's --dead-air-ms): on every channel at once
 * (`channel: any`, dead air) or on one channel. Raised when the threshold passes, resolved when someone speaks.
 * A silence after the agent announced a hold (`holdPhrases` in the agent's last utterance) is a hold: it is
 * only reported past `maxHoldMs`.
 */
export interface SilenceRule extends RuleBase<'silence'> {
  minSilenceMs?: number;
  holdPhrases?: PhraseSet;
  maxHoldMs?: number;
}

/** `channel` starting to speak while the other channel speaks, overlapping longer than `minOverlapMs`. */
export interface TalkoverRule extends RuleBase<'talkover'> {
  minOverlapMs: number;
  /** Raised at this many talk-overs in the call; later ones update its count. */
  minCount: number;
}

/** Speech rate of `channel` (characters or syllables per minute of its speech) over a sliding window. */
export interface RateRule extends RuleBase<'rate'> {
  windowMs: number;
  maxCpm?: number;
  minCpm?: number;
  /** Speech needed inside the window before the rate is judged. */
  minSpeechMs: number;
}

/**
 * Anger or distress of `channel`. Each final utterance gets a text score (lexicon words × intensifiers,
 * cancelled by negation) plus `prosody.weight` when its speech was louder and higher than the speaker's own
 * baseline; the rule fires at `minScore`. `escalation` phrases (complaint threats) fire on their own.
 */
export interface EmotionRule extends RuleBase<'emotion'> {
  minScore?: number;
  /** Extra lexicon entries: word → weight (added to the built-in lexicon). */
  lexicon?: Record<string, number>;
  prosody?: { minRiseDb: number; minPitchRise: number; baselineSegments: number; weight: number };
  escalation?: PhraseSet;
}

/** The call longer than `maxCallMs`, or ended in one of `endReasons` (an abnormal hang-up). */
export interface DurationRule extends RuleBase<'duration'> {
  maxCallMs?: number;
  endReasons?: EndReason[];
}

export type Rule = PhraseRule | AbsenceRule | SequenceRule | SilenceRule | TalkoverRule | RateRule | EmotionRule | DurationRule;

/** A rule rejected at load: where, which rule, which field, why. */
export interface RuleError {
  code: 'EARSHOT_ERR_RULE_INVALID' | 'EARSHOT_ERR_RULES_NOT_FOUND';
  file: string;
  line?: number;
  ruleId?: string;
  field?: string;
  reason: string;
}

export interface LoadedRule {
  rule: Rule;
  /** File (relative to the rules folder) and line it came from. */
  file: string;
  line?: number;
}

export interface RuleSet {
  /** Content hash of the active rules: a QA result records which rule set judged the call. */
  version: string;
  rules: LoadedRule[];
  loadedAt: number;
}
