import { describe, expect, it } from 'vitest';
import { beforeFromQuery, dayStart, filtersFromQuery, listUrl, NO_FILTERS, resultsPath } from './qa-filters';

describe('QA list filters', () => {
  it('reads the URL query, dropping what the API would refuse', () => {
    expect(filtersFromQuery({ agentId: ' a-1 ', passed: 'false', veto: 'maybe', reviewed: 'true', minScore: '60', maxScore: '101', failedItem: 'hold-etiquette', from: '2026-01-05', to: 'tomorrow' })).toEqual({
      ...NO_FILTERS, agentId: 'a-1', passed: 'false', reviewed: 'true', minScore: '60', failedItem: 'hold-etiquette', from: '2026-01-05',
    });
    expect(filtersFromQuery({ failedItem: 'Bad Item', minScore: '-1' })).toEqual(NO_FILTERS);
    expect(beforeFromQuery({ before: '1700000000000' })).toBe(1700000000000);
    expect(beforeFromQuery({ before: 'x' })).toBeNull();
  });

  it('keeps only the set filters in the page URL, and round-trips', () => {
    const f = { ...NO_FILTERS, team: 'cards 1', passed: 'true' as const };
    expect(listUrl('/qa', NO_FILTERS)).toBe('/qa');
    expect(listUrl('/qa', f, 5)).toBe('/qa?team=cards+1&passed=true&before=5');
    const back = Object.fromEntries(new URLSearchParams(listUrl('/qa', f).slice(4)));
    expect(filtersFromQuery(back)).toEqual(f);
  });

  it('asks the API with local-day bounds, the `to` day included', () => {
    const path = resultsPath({ ...NO_FILTERS, veto: 'true', from: '2026-01-05', to: '2026-01-06' }, 99, 20);
    const q = new URLSearchParams(path.split('?')[1]);
    expect(path.startsWith('/v1/qa/results?')).toBe(true);
    expect(Object.fromEntries(q)).toEqual({ veto: 'true', from: String(dayStart('2026-01-05')), to: String(dayStart('2026-01-07')), before: '99', limit: '20' });
    expect(dayStart('2026-01-06', 1) - dayStart('2026-01-06')).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(new Date(dayStart('2026-01-05')).getHours()).toBe(0);
  });
});
