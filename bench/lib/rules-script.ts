import { bqPairs, faqArticles } from '../eval/kb-data.js';

/**
 * Scripted text conversations for the rules bench: customer turns are real bank customer questions
 * (../shared/data/bq-corpus), agent turns the opening sentences of real service answers
 * (../shared/data/unionpay-faq), with a greeting first, a goodbye last, and 2–3 turns written to trigger rules
 * (服务忌语, 保本, asking for a code, complaint threats, anger, praise) put in at random places.
 */
export interface ScriptTurn {
  channel: 'agent' | 'customer';
  text: string;
  startMs: number;
  endMs: number;
  /** One of TRIGGERS (written to raise an alert). */
  trigger: boolean;
}

export interface TurnTexts {
  customer: string[];
  agent: string[];
}

const GREETING = '您好，很高兴为您服务，本次通话可能会被录音，请问有什么可以帮您？';
const GOODBYE = '好的，感谢您的来电，祝您生活愉快，再见。';
/** Turns that should raise an alert (their phrases are in the default pack). */
export const TRIGGERS: Readonly<Record<'agent' | 'customer', readonly string[]>> = {
  agent: [
    '我再跟你说一遍，这个业务要去柜台办理。',
    '你明白吗？额度是系统自动评估的。',
    '这款理财产品是保本的，收益也很稳，您放心买。',
    '您把手机收到的验证码告诉我，我帮您操作一下。',
    '这不归我管，您去问一下网点吧。',
    '你烦不烦啊，都跟你说了好几遍了。',
    '规定就是这样，我也没办法。',
  ],
  customer: [
    '你们这是什么服务，我要投诉你们！',
    '再这样我就打12378找银保监。',
    '我真的很生气，气死我了，你们太过分了！',
    '等了这么久还没处理，你们是不是骗子？',
    '你们服务很好，我非常满意。',
  ],
};

/** Speaking pace (characters per second) and the pause before a turn. */
const CHARS_PER_S = 4;
const MIN_TURN_MS = 1200;
const MIN_PAUSE_MS = 300;
const MAX_PAUSE_MS = 1500;
const AGENT_MAX_CHARS = 80;

/** Deterministic PRNG in [0, 1). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** What an agent says of a written answer: whole sentences up to AGENT_MAX_CHARS (else the first clauses). */
function spoken(answer: string): string {
  const pieces = answer.replace(/\s+/g, '').match(/[^。！？；!?;]+[。！？；!?;]?/g) ?? [];
  let out = '';
  for (const p of pieces) {
    if (out.length + p.length > AGENT_MAX_CHARS) break;
    out += p;
  }
  if (out === '' && pieces[0]) out = (pieces[0].slice(0, AGENT_MAX_CHARS).match(/^.*[，,、]/)?.[0] ?? pieces[0].slice(0, AGENT_MAX_CHARS));
  return out;
}

/** The distinct customer questions and agent sentences of the shared data sets. */
export function loadTurnTexts(): TurnTexts {
  const customer = [...new Set(bqPairs().flatMap((p) => [p.a, p.b]))].filter((s) => s.length >= 4 && s.length <= 40);
  const agent = [...new Set(faqArticles().map((a) => spoken(a.answer)))].filter((s) => s.length >= 8);
  return { customer, agent };
}

/**
 * Call `index`'s script: agent greeting, then alternating customer / agent turns, then the agent's goodbye:
 * `turns` turns, fewer when the goodbye would end after `maxEndMs`. `triggers` of the middle turns (2–3 by
 * default) are trigger turns of the same speaker.
 */
export function buildScript(index: number, texts: TurnTexts, opts: { turns: number; maxEndMs: number; triggers?: number }): ScriptTurn[] {
  const random = rng(index * 7919 + 101);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const middle = Array.from({ length: Math.max(0, opts.turns - 2) }, (_, k) => {
    const channel: ScriptTurn['channel'] = k % 2 === 0 ? 'customer' : 'agent';
    return { channel, text: pick(texts[channel]), trigger: false, pauseMs: MIN_PAUSE_MS + random() * (MAX_PAUSE_MS - MIN_PAUSE_MS) };
  });
  const greeting = { channel: 'agent' as const, text: GREETING, trigger: false, pauseMs: MIN_PAUSE_MS };
  const goodbye = { channel: 'agent' as const, text: GOODBYE, trigger: false, pauseMs: MIN_PAUSE_MS };
  const speakMs = (text: string): number => Math.max(MIN_TURN_MS, Math.round((text.length / CHARS_PER_S) * 1000));
  /** Times for greeting, as many middle turns as leave room for the goodbye, goodbye. */
  const layout = (): ScriptTurn[] => {
    const out: ScriptTurn[] = [];
    let at = 0;
    for (const p of [greeting, ...middle]) {
      const startMs = Math.round(at + p.pauseMs);
      const endMs = startMs + speakMs(p.text);
      if (endMs + MAX_PAUSE_MS + speakMs(GOODBYE) > opts.maxEndMs) break;
      out.push({ channel: p.channel, text: p.text, trigger: p.trigger, startMs, endMs });
      at = endMs;
    }
    const startMs = Math.round(at + goodbye.pauseMs);
    out.push({ channel: 'agent', text: GOODBYE, trigger: false, startMs, endMs: startMs + speakMs(GOODBYE) });
    return out;
  };
  // Trigger turns go among the middle turns that fit; the times are laid out again for their lengths.
  const fitting = Array.from({ length: Math.max(0, layout().length - 2) }, (_, k) => k);
  const wanted = Math.min(fitting.length, opts.triggers ?? 2 + Math.floor(random() * 2));
  for (let n = 0; n < wanted; n++) {
    const m = middle[fitting.splice(Math.floor(random() * fitting.length), 1)[0]!]!;
    m.text = pick(TRIGGERS[m.channel]);
    m.trigger = true;
  }
  return layout();
}
