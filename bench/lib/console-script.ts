import { buildKbScript, type KbTexts, type KbTurn } from './kb-script.js';
import { rng, TRIGGERS } from './rules-script.js';

/**
 * Scripts of the console bench's agent-view part: the kb bench's conversations (customer questions the sample
 * KB answers, FAQ wordings, the agent's answers; greeting first, goodbye last) with 2–3 middle turns replaced
 * by the rules bench's rule-triggering turns of the same speaker, so the agent sees suggestions and alerts.
 * Each turn is sent as it would come from a streaming recogniser: a partial (the text so far) every
 * PARTIAL_EVERY_MS of the turn, then the final at its end.
 */
export interface ConsoleTurn {
  channel: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  source: KbTurn['source'] | 'trigger';
}

/** One message a call sends: a partial or a final utterance, due at call time `atMs`. */
export interface Send {
  atMs: number;
  channel: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  final: boolean;
}

export const PARTIAL_EVERY_MS = 1000;
/** As kb-script.ts / rules-script.ts: 4 characters/s, at least 1.2 s a turn. */
const speakMs = (text: string): number => Math.max(1200, Math.round((text.length / 4) * 1000));

/** The turns again, each starting after the same pause as before its (possibly longer) predecessor. */
function relayout(turns: ConsoleTurn[]): ConsoleTurn[] {
  const out: ConsoleTurn[] = [];
  let oldEnd = 0;
  let newEnd = 0;
  for (const t of turns) {
    const startMs = newEnd + (t.startMs - oldEnd);
    const endMs = startMs + speakMs(t.text);
    out.push({ ...t, startMs, endMs });
    oldEnd = t.endMs;
    newEnd = endMs;
  }
  return out;
}

/** Call `index`'s script: the kb conversation with `triggers` (2–3) middle turns turned into trigger turns, ending by `maxEndMs`. */
export function consoleScript(index: number, texts: KbTexts, maxEndMs: number, triggers?: number): ConsoleTurn[] {
  let turns: ConsoleTurn[] = buildKbScript(index, texts, { maxEndMs, faqShare: 0.25 }).map((t) => ({ channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs, source: t.source }));
  const random = rng(0xc0501e + index * 7919);
  // Trigger turns among the first two thirds of the middle turns (the end may be trimmed to fit).
  const middle = Array.from({ length: Math.max(0, Math.floor(((turns.length - 2) * 2) / 3)) }, (_, k) => k + 1);
  const wanted = Math.min(middle.length, triggers ?? 2 + Math.floor(random() * 2));
  for (let n = 0; n < wanted; n++) {
    const k = middle.splice(Math.floor(random() * middle.length), 1)[0]!;
    const t = turns[k]!;
    const list = TRIGGERS[t.channel];
    turns[k] = { ...t, text: list[Math.floor(random() * list.length)]!, source: 'trigger' };
  }
  turns = relayout(turns);
  while (turns.length > 2 && turns[turns.length - 1]!.endMs > maxEndMs) turns = relayout([...turns.slice(0, -2), turns[turns.length - 1]!]);
  return turns;
}

/** A turn as a recogniser streams it: partials of the text so far every `everyMs`, then the final. */
export function withPartials(turns: readonly ConsoleTurn[], everyMs = PARTIAL_EVERY_MS): Send[] {
  const out: Send[] = [];
  for (const t of turns) {
    const d = t.endMs - t.startMs;
    const times: number[] = [];
    for (let at = t.startMs + everyMs; at < t.endMs - 100; at += everyMs) times.push(at);
    if (times.length === 0) times.push(t.startMs + Math.round(d / 2));
    const chars = [...t.text];
    for (const at of times) {
      const n = Math.max(1, Math.ceil((chars.length * (at - t.startMs)) / d));
      out.push({ atMs: at, channel: t.channel, text: chars.slice(0, n).join(''), startMs: t.startMs, endMs: at, final: false });
    }
    out.push({ atMs: t.endMs, channel: t.channel, text: t.text, startMs: t.startMs, endMs: t.endMs, final: true });
  }
  return out;
}
