import { useEffect, useState } from 'preact/hooks';
import { getJson } from './api';

/** A rule's short name: the part of its one-line description before " — " (e.g. 静音, 服务忌语). */
export function ruleName(description: string | undefined): string | null {
  if (!description) return null;
  const head = description.split(' — ')[0]!.trim();
  return head && head.length <= 24 ? head : null;
}

let names: Promise<Map<string, string>> | null = null;

function loadNames(): Promise<Map<string, string>> {
  names ??= getJson<{ rules: { id: string; description?: string }[] }>('/v1/rules')
    .then((r) => new Map(r.rules.flatMap((rule) => (ruleName(rule.description) ? [[rule.id, ruleName(rule.description)!] as const] : []))))
    .catch(() => {
      names = null; // try again on the next view
      return new Map<string, string>();
    });
  return names;
}

/** Rule id → short name, from GET /v1/rules (read once per page). */
export function useRuleNames(): Map<string, string> {
  const [map, setMap] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let alive = true;
    void loadNames().then((m) => alive && setMap(m));
    return () => {
      alive = false;
    };
  }, []);
  return map;
}
