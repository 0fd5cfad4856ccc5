/**
 * Text normalisation for the knowledge index: the same steps run on articles and on queries, so a term
 * written two ways (繁/简, full-/half-width, 帐/账) lands on one index key.
 */
import OpenCC from 'opencc-js';

// `twp` → `cn` also converts Taiwan phrasing (軟體 → 软件, 網路 → 网络), a superset of character-level t → cn.
const toSimplified = OpenCC.Converter({ from: 'twp', to: 'cn' });

/**
 * Variant characters both in use in simplified text that opencc leaves apart. 帐 is the traditional-derived
 * form opencc produces for 帳 (帐户, 到帐) while bank documents write 账 — folding keeps 到帐 and 到账 one term.
 */
const VARIANTS: Readonly<Record<string, string>> = { 帐: '账' };
const VARIANT_RE = new RegExp(`[${Object.keys(VARIANTS).join('')}]`, 'g');

/** Anything that is not a letter or a digit separates terms: punctuation, symbols, emoji. */
const SEPARATOR_RE = /[^\p{L}\p{N}]+/gu;

/**
 * Article or query text → simplified, half-width, lower-case, punctuation turned into single spaces.
 * NFKC first turns full-width letters/digits (ＰＯＳ, １２３) into ASCII and ① into 1.
 */
export function normalize(text: string): string {
  const s = toSimplified(text.normalize('NFKC')).toLowerCase().replace(VARIANT_RE, (c: string) => VARIANTS[c] ?? c);
  return s.replace(SEPARATOR_RE, ' ').trim();
}

/**
 * Spoken and written padding a caller adds around the question; they carry no topic, yet 你好 / 您好 hit
 * the many answers that start with 您好 and 请问 hits every answer that asks back. Longest first so
 * 我想问一下 goes before 问一下. Only phrases that cannot be content in a bank question are listed: 那个 and
 * 就是 are the commonest spoken fillers in transcripts (那个…就是…); 这个 is left in because it often points at
 * the topic (这个卡). Removed from queries only: articles keep their text.
 */
export const FILLERS: readonly string[] = [
  '我想咨询一下', '我想问一下', '想咨询一下', '我想咨询', '想问一下', '我想问', '请问一下', '问一下', '请问',
  '你好', '您好', '麻烦你', '麻烦您', '谢谢', '那个', '就是', '然后', '嗯', '啊', '呃', '哦', '喂',
];
const FILLER_RE = new RegExp(FILLERS.join('|'), 'g');

/** Toneless pinyin of the multi-syllable fillers; single syllables (a, e, wei) are also real words (额 e, 为 wei). */
export const PINYIN_FILLERS: readonly string[] = [
  'wo xiang zi xun yi xia', 'wo xiang wen yi xia', 'xiang zi xun yi xia', 'xiang wen yi xia', 'wo xiang wen',
  'qing wen yi xia', 'qing wen', 'ni hao', 'nin hao', 'ma fan ni', 'ma fan nin', 'xie xie', 'ran hou', 'jiu shi',
];

/** Normalised hanzi query without fillers (a space keeps the words on either side apart). */
export function stripFillers(normalized: string): string {
  return normalized.replace(FILLER_RE, ' ').replace(/\s+/g, ' ').trim();
}

/** Toneless pinyin syllables without filler sequences. */
export function stripPinyinFillers(syllables: readonly string[]): string[] {
  let s = ` ${syllables.join(' ')} `;
  for (const f of PINYIN_FILLERS) s = s.split(` ${f} `).join(' ');
  return s.split(' ').filter(Boolean);
}

export const HANZI_RE = /\p{Script=Han}/u;

const INITIAL = '(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?';
const FINAL =
  '(?:iang|iong|uang|ang|eng|ing|ong|uai|uan|ian|iao|ue|ve|ui|un|vn|ai|ei|ao|ou|an|en|in|ia|ie|iu|ua|uo|er|a|o|e|i|u|v|n|m|ng)';
const SYLLABLE_RE = new RegExp(`^${INITIAL}${FINAL}$`);

/** A toneless pinyin syllable as written by the recogniser (ü as v): xin, zhuang, lve. */
export function isPinyinSyllable(token: string): boolean {
  return SYLLABLE_RE.test(token);
}

/**
 * A query the embedded recogniser wrote without a hanzi model: no hanzi, and at least half of its tokens
 * are pinyin syllables (the rest may be spelt acronyms such as pos, atm, ic).
 */
export function isPinyinQuery(normalized: string): boolean {
  if (HANZI_RE.test(normalized)) return false;
  const tokens = normalized.split(' ').filter(Boolean);
  if (tokens.length === 0) return false;
  return tokens.filter(isPinyinSyllable).length * 2 >= tokens.length;
}

/**
 * Adjacent Latin words joined: articles write both Apple Pay and ApplePay, SAMSUNG PAY and SamsungPay; one
 * spelling per product keeps them one term. Used on hanzi text only: a pinyin query's spaces separate syllables.
 */
export function joinLatin(normalized: string): string {
  return normalized.replace(/([a-z0-9]) (?=[a-z0-9])/g, '$1');
}
