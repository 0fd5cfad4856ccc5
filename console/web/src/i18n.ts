import { useEffect, useState } from 'preact/hooks';

/** The console speaks Chinese by default; an English switch is kept per browser. */
export type Lang = 'zh' | 'en';
const STORAGE_KEY = 'earshot.lang';

let current: Lang = readStored();
const listeners = new Set<(lang: Lang) => void>();

function readStored(): Lang {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function getLang(): Lang {
  return current;
}

export function setLang(lang: Lang): void {
  current = lang;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, lang);
  } catch {
    /* private mode: the switch lasts for the page */
  }
  if (typeof document !== 'undefined') document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  for (const l of listeners) l(lang);
}

/** One view's strings in both languages; `{name}` placeholders are filled from params. */
export type Messages<K extends string> = Record<Lang, Record<K, string>>;

export function messages<K extends string>(m: Messages<K>): Messages<K> {
  return m;
}

export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export type Translate<K extends string> = (key: K, params?: Record<string, string | number>) => string;

export function translator<K extends string>(m: Messages<K>, lang: Lang): Translate<K> {
  return (key, params) => format(m[lang][key] ?? m.zh[key] ?? key, params);
}

/** A translate function for the current language; the component re-renders when the language changes. */
export function useT<K extends string>(m: Messages<K>): Translate<K> {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return translator(m, lang);
}

export function useLang(): Lang {
  const [lang, set] = useState(current);
  useEffect(() => {
    listeners.add(set);
    return () => void listeners.delete(set);
  }, []);
  return lang;
}
