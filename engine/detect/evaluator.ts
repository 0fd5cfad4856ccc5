/**
 * What a rule kind implements: a per-call state machine fed, in audio-time order, with final utterances,
 * speech activity and the call's clock. Each kind lives in kinds/<kind>.ts.
 */
import type { Channel, EndReason, MatchedFormField } from '../events.js';
import type { SegmentProsody } from '../audio/prosody.js';
import type { UtteranceForms } from './forms.js';
import type { Rule } from './rule.js';

export interface DetectUtterance {
  utteranceId: string;
  channel: Channel;
  text: string;
  pinyin?: string;
  tokens?: { text: string; startMs: number }[];
  startMs: number;
  endMs: number;
}

/** One finding of a rule; the detector turns it into an alert (or merges it into the last one). */
export interface Finding {
  channel: Channel | 'both';
  startMs: number;
  endMs: number | null;
  /** Audio time at which the finding was made. */
  atMs: number;
  message: string;
  matchedText?: string;
  matchedForm?: MatchedFormField;
  /** A lasting condition (silence): raised now, resolved later through `resolve`. */
  lasting?: boolean;
  /** Merge into the rule's open alert whatever the cooldown (talk-over counts). */
  mergeAlways?: boolean;
}

export interface RuleContext {
  /** Report a finding; returns the alert id (for lasting findings, to resolve later). */
  report(finding: Finding): string;
  resolve(alertId: string, endMs: number, atMs: number, message: string): void;
  /** Is `t` inside the rule's window (fromMs/toMs and afterRule windows; lastMs is judged by the kind). */
  inWindow(t: number): boolean;
}

export interface RuleEvaluator {
  utterance?(u: DetectUtterance, forms: UtteranceForms): void;
  speechStart?(channel: Channel, startMs: number): void;
  speechEnd?(channel: Channel, startMs: number, endMs: number, prosody?: SegmentProsody): void;
  advance?(nowMs: number): void;
  finish?(endMs: number, reason: EndReason): void;
  /** Another rule just hit at `atMs` (windows that open after another rule's hits). */
  otherHit?(ruleId: string, atMs: number): void;
}

export interface KindOptions {
  /** Default silence threshold (--dead-air-ms). */
  deadAirMs: number;
  /** How long after a window closes the last utterance begun inside it may still arrive (finals come after the endpoint). */
  windowGraceMs: number;
}

/** Compiled once per rule set (phrases, lexicons); `create` makes the per-call state. */
export interface CompiledRule<R extends Rule = Rule> {
  rule: R;
  create(ctx: RuleContext): RuleEvaluator;
}

export function channelMatches(ruleChannel: Rule['channel'], channel: Channel): boolean {
  return ruleChannel === 'any' || ruleChannel === channel;
}
