/**
 * Customer anger and distress in service-call Mandarin: words and phrases with a weight (1 mild irritation,
 * 2 clear anger or distress, 3 hostile), intensifiers that raise the next word's weight, and negations that
 * cancel it (不生气, 没有不满意). Written for this product from complaint-call practice; a rule adds its own
 * entries with `lexicon:`. An entry never starts with an intensifier (太过分 is 过分 after 太): the
 * intensifier would be swallowed by the entry and its boost lost.
 */
export const ANGER_LEXICON: Readonly<Record<string, number>> = {
  // irritation, impatience
  烦人: 1, 心烦: 1, 好烦: 1, 真烦: 1, 烦死了: 2, 麻烦死了: 2, 怎么回事: 1, 到底: 1, 搞什么: 2, 搞什么鬼: 3, 什么玩意: 2, 莫名其妙: 2,
  无语: 1, 离谱: 2, 太慢了: 1, 等了半天: 2, 等了这么久: 2, 打了好几次: 2, 说了多少遍: 2, 又是这样: 2, 每次都: 1,
  // anger
  生气: 2, 气死: 3, 气死我了: 3, 火大: 2, 愤怒: 2, 不满意: 2, 很不满: 2, 过分: 2, 欺负人: 3, 凭什么: 2,
  岂有此理: 3, 不像话: 2, 不讲理: 2, 忽悠: 2, 糊弄: 2, 敷衍: 2, 推卸责任: 2, 踢皮球: 2, 霸王条款: 2, 乱扣: 2,
  乱收费: 2, 坑人: 3, 坑钱: 3, 骗子: 3, 骗人: 3, 诈骗: 2, 垃圾: 3, 什么破: 2, 破银行: 3, 黑心: 3, 流氓: 3, 强盗: 3,
  滚: 3, 闭嘴: 3, 废物: 3, 受够了: 3, 受不了: 2, 太差了: 2, 差劲: 2, 恶心: 2, 有病: 3,
  // distress
  着急: 1, 急死了: 2, 急死我了: 2, 怎么办: 1, 害怕: 1, 担心: 1, 被骗了: 2, 钱没了: 2, 钱被盗: 2, 被盗刷: 2,
  走投无路: 3, 崩溃: 2, 绝望: 3,
};

/** Words that make the next lexicon word stronger (×1.5). */
export const INTENSIFIERS: readonly string[] = ['非常', '特别', '太', '真', '真的', '极其', '十分', '超级', '简直', '实在', '好', '很'];
