import { hanziToPinyin } from '../asr/pinyin.js';

/**
 * Does a customer turn express an information need (a question, or a problem the agent must solve)?
 * Works on hanzi and on toneless pinyin (the embedded recogniser's output), so it is a list of cue words
 * in both forms, not a model: explainable, and the reason travels with the suggestion.
 */
const QUESTION_CUES = [
  '怎么', '怎样', '如何', '什么', '为什么', '为啥', '哪里', '哪儿', '哪个', '多少', '多久', '几天', '能不能', '可不可以', '可以吗',
  '是不是', '有没有', '能否', '是否', '请问', '想问', '想知道', '咨询', '吗', '呢', '么',
];
const PROBLEM_CUES = [
  '被吞', '吞了', '丢了', '丢失', '不见了', '被盗', '盗刷', '收不到', '没收到', '用不了', '不能用', '刷不了', '失败', '冻结', '锁了',
  '忘了', '忘记', '扣了', '多扣', '乱扣', '不对', '错了', '逾期', '还不上', '投诉', '办理', '开通', '激活', '挂失', '注销', '修改', '提高', '调整',
];

/** Cue words as toneless pinyin syllable runs, padded with spaces for whole-syllable matching. */
const PINYIN_CUES = [...PROBLEM_CUES, ...QUESTION_CUES].map((cue) => ({ cue, pinyin: ` ${hanziToPinyin(cue, false)} ` }));

export interface Need {
  /** The cue that marked it, as written in the list (hanzi). */
  cue: string;
  kind: 'question' | 'problem';
}

const PARTICLES = new Set(['吗', '呢', '么']);

export function detectNeed(text: string, pinyin: string | undefined): Need | null {
  const hanzi = /[\u4e00-\u9fff]/.test(text);
  if (hanzi) {
    if (/[?？]/.test(text)) return { cue: '?', kind: 'question' };
    for (const cue of PROBLEM_CUES) if (text.includes(cue)) return { cue, kind: 'problem' };
    for (const cue of QUESTION_CUES) {
      if (PARTICLES.has(cue) ? new RegExp(`${cue}[\\s。！!]*$`).test(text) : text.includes(cue)) return { cue, kind: 'question' };
    }
    return null;
  }
  if (!pinyin) return null;
  const padded = ` ${pinyin.trim()} `;
  for (const { cue, pinyin: p } of PINYIN_CUES) {
    // Single-syllable particles (ma, ne, me) are too ambiguous in pinyin anywhere but at the end of a turn.
    const particle = PARTICLES.has(cue);
    if (particle ? padded.endsWith(p) : padded.includes(p)) return { cue, kind: PROBLEM_CUES.includes(cue) ? 'problem' : 'question' };
  }
  return null;
}
