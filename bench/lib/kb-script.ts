import { join } from 'node:path';
import { loadKnowledgeBase } from '../../knowledge/loader.js';
import { faqArticles, faqQueries } from '../eval/kb-data.js';
import { rng } from './rules-script.js';

/**
 * Scripted text conversations for the kb bench: the customer asks what the sample knowledge base answers
 * (one of an article's own 相似问法, `questions`, each call walking the articles in its own shuffled order so
 * no article is asked twice in a call) or, for a share of the turns, a real user wording from
 * ../shared/data/unionpay-faq (questions about UnionPay services, which the sample KB may or may not cover);
 * the agent answers each with the opening of the answer (the KB article's key sentence, or the FAQ answer).
 * Greeting first, goodbye last; paced like the rules bench (4 characters/s, 0.3–1.5 s pauses).
 */
export interface KbTurn {
  channel: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  source: 'greeting' | 'kb-question' | 'faq-wording' | 'kb-answer' | 'faq-answer' | 'goodbye';
  /** For a kb-question: the article whose `questions` it came from. */
  articleId?: string;
}

export interface KbTexts {
  articles: { id: string; questions: string[]; spoken: string }[];
  faq: { query: string; spoken: string }[];
  /** How the texts were chosen, for the report. */
  note: string;
}

const GREETING = '您好，很高兴为您服务，本次通话可能会被录音，请问有什么可以帮您？';
const GOODBYE = '好的，感谢您的来电，祝您生活愉快，再见。';
const CHARS_PER_S = 4;
const MIN_TURN_MS = 1200;
const MIN_PAUSE_MS = 300;
const MAX_PAUSE_MS = 1500;
/** An agent turn is the answer's opening up to this many characters (whole clauses): the rest would be the next turn. */
const AGENT_MAX_CHARS = 40;
const FAQ_MAX_CHARS = 40;

const speakMs = (text: string): number => Math.max(MIN_TURN_MS, Math.round((text.length / CHARS_PER_S) * 1000));

/** The opening of a written answer an agent says in one turn: whole clauses up to AGENT_MAX_CHARS. */
function spoken(answer: string): string {
  const clauses = answer.replace(/\s+/g, '').match(/[^。！？；!?;，,]+[。！？；!?;，,]?/g) ?? [];
  let out = '';
  for (const c of clauses) {
    if (out.length + c.length > AGENT_MAX_CHARS) break;
    out += c;
  }
  return (out || answer.slice(0, AGENT_MAX_CHARS)).replace(/[，,]$/, '。');
}

/** The sample KB (knowledge/kb, through the product's loader) and the FAQ wordings with their answers. */
export function loadKbTexts(root: string): KbTexts {
  const kb = loadKnowledgeBase(join(root, 'knowledge', 'kb'));
  if (kb.errors.length > 0) throw new Error(`knowledge/kb: ${kb.errors.length} articles rejected: ${kb.errors[0]!.reason}`);
  const articles = kb.articles.filter((a) => a.questions.length > 0).map((a) => ({ id: a.id, questions: a.questions, spoken: spoken(a.keySentences.join('') || a.answer) }));
  const answers = new Map(faqArticles().map((a) => [a.id, a.answer]));
  const seen = new Set<string>();
  const faq: KbTexts['faq'] = [];
  for (const q of faqQueries()) {
    const a = answers.get(q.answerId);
    if (!a || seen.has(q.query) || q.query.length < 4 || q.query.length > FAQ_MAX_CHARS) continue;
    seen.add(q.query);
    faq.push({ query: q.query, spoken: spoken(a) });
  }
  const questions = articles.reduce((s, a) => s + a.questions.length, 0);
  return {
    articles,
    faq,
    note:
      `customer: ${questions} 相似问法 of the ${articles.length} sample KB articles (knowledge/kb via loadKnowledgeBase; each call asks each article at most once, ` +
      `in its own shuffled order), and ${faq.length} distinct real user wordings (4–${FAQ_MAX_CHARS} chars) of ../shared/data/unionpay-faq/queries.json; ` +
      `agent: the answer's opening (key sentence of the KB article, or the FAQ answer), whole clauses up to ${AGENT_MAX_CHARS} chars; ` +
      `greeting first, goodbye last; ${CHARS_PER_S} chars/s (at least ${MIN_TURN_MS} ms), ${MIN_PAUSE_MS}–${MAX_PAUSE_MS} ms pauses`,
  };
}

/** Call `index`'s script, ending (goodbye included) by `maxEndMs`; `faqShare` of customer turns are FAQ wordings. */
export function buildKbScript(index: number, texts: KbTexts, opts: { maxEndMs: number; faqShare: number }): KbTurn[] {
  const random = rng(0x6b62 + index * 7919);
  const order = texts.articles.map((_, k) => k);
  for (let k = order.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [order[k], order[j]] = [order[j]!, order[k]!];
  }
  const out: KbTurn[] = [];
  let at = 0;
  const push = (t: Omit<KbTurn, 'startMs' | 'endMs'>): void => {
    const startMs = Math.round(at + MIN_PAUSE_MS + random() * (MAX_PAUSE_MS - MIN_PAUSE_MS));
    const endMs = startMs + speakMs(t.text);
    out.push({ ...t, startMs, endMs });
    at = endMs;
  };
  // Room left for turns of `texts` and the goodbye after them (with the longest pauses).
  const fits = (...texts: string[]): boolean => at + texts.reduce((s, x) => s + MAX_PAUSE_MS + speakMs(x), 0) + MAX_PAUSE_MS + speakMs(GOODBYE) <= opts.maxEndMs;
  push({ channel: 'agent', text: GREETING, source: 'greeting' });
  let next = 0;
  for (;;) {
    let q: Omit<KbTurn, 'startMs' | 'endMs'>;
    let a: Omit<KbTurn, 'startMs' | 'endMs'>;
    if (random() < opts.faqShare || next >= order.length) {
      const f = texts.faq[Math.floor(random() * texts.faq.length)]!;
      q = { channel: 'customer', text: f.query, source: 'faq-wording' };
      a = { channel: 'agent', text: f.spoken, source: 'faq-answer' };
    } else {
      const art = texts.articles[order[next++]!]!;
      q = { channel: 'customer', text: art.questions[Math.floor(random() * art.questions.length)]!, source: 'kb-question', articleId: art.id };
      a = { channel: 'agent', text: art.spoken, source: 'kb-answer' };
    }
    if (!fits(q.text)) break;
    push(q);
    if (!fits(a.text)) break;
    push(a);
  }
  push({ channel: 'agent', text: GOODBYE, source: 'goodbye' });
  return out;
}
