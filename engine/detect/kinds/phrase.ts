import { channelMatches, type CompiledRule, type Finding } from '../evaluator.js';
import { compilePhraseSet, type PhraseHit } from '../phrase-set.js';
import type { PhraseRule } from '../rule.js';

/** Quotes what matched, and says when it was a homophone or a pattern. */
export function describeHits(hits: readonly PhraseHit[]): string {
  return hits.map((h) => (h.form === 'text' ? `「${h.text}」` : h.form === 'pinyin' ? `「${h.text}」(sounds like ${h.phrase})` : `「${h.text}」`)).join(' ');
}

/** A phrase said: one utterance (or, with scope `call`, the call so far) holds the phrases the rule asks for. */
export function compilePhrase(rule: PhraseRule): CompiledRule<PhraseRule> {
  const set = compilePhraseSet(rule);
  const scope = rule.scope ?? 'utterance';
  return {
    rule,
    create(ctx) {
      /** scope `call`: different phrases found so far in the window. */
      const seen = new Map<string, PhraseHit>();
      /** lastMs windows: hits are judged once the call's end is known. */
      const held: Finding[] = [];
      const finding = (hits: PhraseHit[], channel: Finding['channel'], atMs: number): Finding => ({
        channel,
        startMs: Math.min(...hits.map((h) => h.startMs)),
        endMs: Math.max(...hits.map((h) => h.endMs)),
        atMs,
        message: `${rule.description.split(' — ')[0]}: ${describeHits(hits)}`,
        matchedText: hits.map((h) => h.text).join(' '),
        matchedForm: hits[0]!.form,
      });
      return {
        utterance(u, forms) {
          if (!channelMatches(rule.channel, u.channel)) return;
          const hits = set.find(forms).filter((h) => ctx.inWindow(h.startMs));
          if (hits.length === 0) return;
          let chosen: PhraseHit[];
          if (scope === 'call' && set.match !== 'any') {
            for (const h of hits) if (!seen.has(h.phrase)) seen.set(h.phrase, h);
            if (seen.size < set.needed) return;
            chosen = [...seen.values()];
            seen.clear();
          } else {
            const distinct = new Set(hits.map((h) => h.phrase));
            if (distinct.size < set.needed) return;
            chosen = hits;
          }
          const f = finding(chosen, u.channel, u.endMs);
          if (rule.window?.lastMs !== undefined) held.push(f);
          else ctx.report(f);
        },
        finish(endMs) {
          const from = endMs - (rule.window?.lastMs ?? 0);
          for (const f of held) if (f.startMs >= from) ctx.report({ ...f, atMs: endMs });
        },
      };
    },
  };
}
