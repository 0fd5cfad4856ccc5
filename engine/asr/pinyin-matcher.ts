/**
 * Keyword detection on the transcript: toneless syllable sequences of the keywords slid over the recognised
 * syllables. It reuses the one encoder pass that produces the transcript (the requirement), and costs
 * microseconds per result.
 *
 * Tones are ignored: the small model's tone errors are its most frequent ones (tonal syllable error rate is
 * well above toneless, see bench/eval-asr.ts). A keyword of 3+ syllables may have one syllable wrong, as long
 * as the wrong one shares its initial, its final or its rime with the expected one (周 zhou heard as zhu, 楠 nan as ne):
 * a near-miss in sound, not an arbitrary word, which keeps false alarms down. Measured (bench/eval-asr.ts):
 * on the model's test recordings it takes recall from 6/8 (exact) to 8/8; on ~4.8 h-equivalent of bank customer
 * questions read as perfect pinyin it adds ~6 false alarms an hour over the bank list (mostly 银行卡 on
 * 银行可/银行打), against ~70 with any substitution allowed. `maxSubstitutions: () => 0` turns it off.
 */
import type { TimedSyllable } from './pinyin.js';
import { fuzzyFinal, fuzzyInitial, splitSyllable } from './pinyin.js';

export interface MatcherKeyword {
  keyword: string;
  /** Toneless syllables. */
  syllables: readonly string[];
}

export interface MatcherOptions {
  /** Substitutions tolerated for a keyword of n syllables; default: 1 from 3 syllables on, else 0. */
  maxSubstitutions?: (syllables: number) => number;
  /** 'similar': a substituted syllable must share its initial or final with the expected one; 'any': no check. */
  substitution?: 'similar' | 'any';
}

export interface SyllableMatch {
  keyword: string;
  /** Indices into the syllables given to `find`. */
  first: number;
  last: number;
  startMs: number;
  /** Start of the last unit of the keyword's last syllable. */
  lastUnitMs: number;
  substitutions: number;
}

export interface PinyinMatcher {
  /** Every keyword occurrence in `syllables`; overlapping matches of one keyword keep the best one. */
  find(syllables: readonly TimedSyllable[]): SyllableMatch[];
}

export const DEFAULT_MAX_SUBSTITUTIONS = (n: number): number => (n >= 3 ? 1 : 0);

/**
 * Same initial (both zero-initial counts), same final, or the same rime once a medial glide is dropped
 * (jiang/yang: iang ~ ang; guan/gan): the glide is short and telephone band-limiting blurs it (measured:
 * 蒋 jiǎng came out as yáng after the μ-law channel). Initials and finals are compared modulo the fuzzy
 * pinyin pairs of Chinese input methods (模糊音: z/zh, c/ch, s/sh, n/l, an/ang, en/eng, in/ing), the
 * distinctions many Mandarin speakers do not make and the recogniser then confuses (文森 heard as wén shēng).
 */
export function soundsAlike(a: string, b: string): boolean {
  const [ia, fa] = parts(a);
  const [ib, fb] = parts(b);
  return fuzzyInitial(ia) === fuzzyInitial(ib) || fuzzyFinal(fa) === fuzzyFinal(fb) || (rime(fa) === rime(fb) && rime(fa).length > 1);
}

function parts(syllable: string): [string, string] {
  const units = splitSyllable(syllable);
  return units.length === 2 ? [units[0]!, units[1]!] : ['', units[0]!];
}

/** The final without its medial: iang → ang, uan → an, ve → e; a bare i/u/v is the vowel itself, kept. */
function rime(final: string): string {
  return final.length > 1 && /^[iuv]/.test(final) ? final.slice(1) : final;
}

export function createPinyinMatcher(keywords: readonly MatcherKeyword[], options: MatcherOptions = {}): PinyinMatcher {
  const maxSubs = options.maxSubstitutions ?? DEFAULT_MAX_SUBSTITUTIONS;
  const similarOnly = (options.substitution ?? 'similar') === 'similar';
  const entries = keywords.filter((k) => k.syllables.length > 0).map((k) => ({ ...k, allowed: maxSubs(k.syllables.length) }));

  return {
    find(syllables) {
      const found: SyllableMatch[] = [];
      for (const k of entries) {
        const n = k.syllables.length;
        let lastOfKeyword: SyllableMatch | null = null;
        for (let i = 0; i + n <= syllables.length; i++) {
          let subs = 0;
          for (let j = 0; j < n && subs <= k.allowed; j++) {
            const got = syllables[i + j]!.toneless;
            const want = k.syllables[j]!;
            if (got === want) continue;
            subs += similarOnly && !soundsAlike(got, want) ? k.allowed + 1 : 1;
          }
          if (subs > k.allowed) continue;
          // A substitution lets a shifted window match too; keep the better of two overlapping windows.
          const m: SyllableMatch = {
            keyword: k.keyword,
            first: i,
            last: i + n - 1,
            startMs: syllables[i]!.startMs,
            lastUnitMs: syllables[i + n - 1]!.lastUnitMs,
            substitutions: subs,
          };
          if (lastOfKeyword && lastOfKeyword.last >= i) {
            if (subs < lastOfKeyword.substitutions) found[found.indexOf(lastOfKeyword)] = m;
            else continue;
          } else {
            found.push(m);
          }
          lastOfKeyword = m;
        }
      }
      return found.sort((a, b) => a.first - b.first);
    },
  };
}
