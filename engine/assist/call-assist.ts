import type { SearchHit } from '../../knowledge/article.js';
import type { Channel, EventBody, SuggestionEvent } from '../events.js';
import { detectNeed, type Need } from './need.js';

export interface AssistOptions {
  /** Hits scoring below this are not shown (weak matches distract more than they help). */
  minScore: number;
  /** Earlier customer turns joined to the query: a need is often spread over two turns. */
  contextTurns: number;
}

export interface AssistedUtterance {
  utteranceId: string;
  channel: Channel;
  text: string;
  pinyin?: string;
  final: boolean;
}

/** A suggestion as the assist engine makes it; the session stamps the event fields and who is told. */
export type SuggestionBody = Omit<EventBody<SuggestionEvent>, 'type' | 'at' | 'notify'>;

/** Per call: listens to the customer, and proposes the article that answers what they just asked. */
export interface CallAssist {
  onUtterance(u: AssistedUtterance): SuggestionBody | null;
}

export type AssistFactory = (callId: string) => CallAssist;

/** `search` is the knowledge base's current index (it is swapped whole when the KB reloads). */
export function createAssistFactory(search: (query: string, k: number) => SearchHit[], options: AssistOptions): AssistFactory {
  return (callId) => {
    const context: string[] = [];
    const shown = new Set<string>();
    const searchedPartials = new Map<string, string>();
    let suggestions = 0;

    /** The top hit, if strong enough. When it was already shown the need has not changed: nothing new. */
    function best(query: string): SearchHit | undefined | 'shown' {
      const top = search(query, 1)[0];
      if (!top || top.score < options.minScore) return undefined;
      return shown.has(top.article.id) ? 'shown' : top;
    }

    return {
      onUtterance(u) {
        if (u.channel !== 'customer') return null;
        // Recognised speech without hanzi (the embedded pinyin model) is searched as pinyin.
        const turn = /[\u4e00-\u9fff]/.test(u.text) || !u.pinyin ? u.text : u.pinyin;
        const need = detectNeed(u.text, u.pinyin);
        const previous = context.slice(-options.contextTurns);
        if (u.final) context.push(turn);
        else if (searchedPartials.get(u.utteranceId) === turn) return null; // unchanged partial: already searched
        if (!need) return null;
        if (!u.final) searchedPartials.set(u.utteranceId, turn);
        // The turn alone first: the newest words say what is needed now; the context rescues a short turn.
        const hit = best(turn) ?? (previous.length > 0 ? best([...previous, turn].join(' ')) : undefined);
        if (!hit || hit === 'shown') return null;
        shown.add(hit.article.id);
        return {
          suggestionId: `${callId}:s${++suggestions}`,
          utteranceId: u.utteranceId,
          articleId: hit.article.id,
          title: hit.article.title,
          answer: hit.article.keySentences.join(''),
          score: Number(hit.score.toFixed(3)),
          reason: reasonFor(need, u.text, hit),
          matched: hit.matched,
        };
      },
    };
  };
}

function reasonFor(need: Need, said: string, hit: SearchHit): string {
  const terms = [...new Set(hit.matched.map((m) => m.term))].slice(0, 6).join('、');
  const quote = said.length > 40 ? `${said.slice(0, 40)}…` : said;
  return `${need.kind === 'question' ? '客户提问' : '客户问题'}「${quote}」(${need.cue}); 匹配: ${terms}`;
}
