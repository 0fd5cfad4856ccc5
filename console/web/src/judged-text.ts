import type { Lang } from './i18n';

/** The engine's fixed judgements (engine/qa/score.ts), in Chinese. */
const ZH_PHRASES: Record<string, string> = {
  'no fault found': '未发现问题',
  'nothing found': '未触发',
  'not applicable: full marks': '不适用：按满分计',
};

/**
 * How an item was judged, for the reader: the engine writes a short formula with rule ids
 * ("− forbidden-phrase ×1 × 5"); rule ids become the rules' short names (服务忌语) and the engine's fixed
 * phrases are said in Chinese when the console is.
 */
export function judgedText(judged: string, lang: Lang, ruleNames: ReadonlyMap<string, string>): string {
  if (lang === 'zh' && judged in ZH_PHRASES) return ZH_PHRASES[judged]!;
  if (ruleNames.size === 0) return judged;
  return judged.replace(/[a-z][a-z0-9]*(?:-[a-z0-9]+)+|[a-z]{3,}/g, (word) => ruleNames.get(word) ?? word);
}
