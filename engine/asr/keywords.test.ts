import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EarshotError } from '../errors.js';
import { buildKeywordSet, keywordsBuffer, parseKeywordLine, readTokenSet, spellKeyword } from './keywords.js';
import { realModel } from '../../test/fixtures/model.js';

const model = realModel();
const tokens = readTokenSet(model.files.tokens!);
const lines = (file: string) =>
  readFileSync(join(model.dir, file), 'utf8')
    .split('\n')
    .map((l) => parseKeywordLine(l))
    .filter((x) => x !== null);

describe('keyword spelling in the model units', () => {
  it('spells the model folder keyword lists exactly as k2-fsa did (keywords.txt, test_keywords.txt)', () => {
    for (const file of ['keywords.txt', 'test_wavs/test_keywords.txt']) {
      for (const { label, units } of lines(file)) {
        const spelt = spellKeyword(label, tokens);
        expect('units' in spelt ? spelt.units : spelt.reason, `${file}: ${label}`).toEqual(units);
      }
    }
  });

  it('writes the spotter line format with the keyword as label', () => {
    expect(spellKeyword('信用卡', tokens)).toMatchObject({ line: 'x ìn y òng k ǎ @信用卡', syllables: ['xin', 'yong', 'ka'] });
    expect(spellKeyword('银行', tokens)).toMatchObject({ units: ['y', 'ín', 'h', 'áng'] });
    expect(spellKeyword('还款', tokens)).toMatchObject({ units: ['h', 'uán', 'k', 'uǎn'] });
    expect(spellKeyword('ATM机', tokens)).toMatchObject({ units: ['A', 'T', 'M', 'j', 'ī'] });
  });

  it('rejects, with a reason and an EARSHOT_ERR_KEYWORD_INVALID error, what the model cannot spell', () => {
    const set = buildKeywordSet(['信用卡', '嗯', 'app', '95588', '信用卡', ' ', 'a@b'], tokens);
    expect(set.accepted.map((k) => k.keyword)).toEqual(['信用卡']);
    const reasons = Object.fromEntries(set.rejected.map((r) => [r.keyword, r.reason]));
    expect(reasons['嗯']).toMatch(/ǹg not in the model's tokens.txt/);
    expect(reasons['app']).toMatch(/Latin word "app"/);
    expect(reasons['95588']).toMatch(/digits/);
    expect(reasons[' ']).toMatch(/empty/);
    expect(reasons['a@b']).toMatch(/reserves/);
    for (const r of set.rejected) {
      expect(r.error).toBeInstanceOf(EarshotError);
      expect(r.error.code).toBe('EARSHOT_ERR_KEYWORD_INVALID');
    }
  });

  it('reads keywords for hanzi models without spelling them in tokens', () => {
    const set = buildKeywordSet(['银行卡', '95588'], null);
    expect(set.accepted.map((k) => k.syllables)).toEqual([['yin', 'hang', 'ka'], ['95588']]);
    expect(set.rejected).toEqual([]);
  });

  it('builds the keywordsBuf from accepted keywords only', () => {
    expect(keywordsBuffer(buildKeywordSet(['挂失', '嗯'], tokens))).toBe('g uà sh ī @挂失\n');
  });
});
