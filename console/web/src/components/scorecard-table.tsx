import { clock, points } from '../format';
import { messages, useLang, useT } from '../i18n';
import { judgedText } from '../judged-text';
import { useRuleNames } from '../rule-names';
import { common } from '../labels';
import type { ItemResult } from '../events';
import { itemRange, itemsBySection, type FormProblem, type ItemDecision, type Review } from '../qa-review';

const m = messages({
  zh: {
    caption: '质检表评分（机器预评分，可逐项复核）', item: '项目', points: '得分', status: '状态', judged: '判定说明', evidence: '证据', review: '复核',
    'st-pass': '满分', 'st-deducted': '部分扣分', 'st-failed': '零分', 'st-not-applicable': '不适用', 'st-veto': '一票否决',
    'st-bonus': '加分', 'st-penalty': '减分', 'st-none': '未触发', 'st-no-veto': '未否决',
    bonusItem: '加分项', penaltyItem: '减分项', vetoItem: '否决项', reason: '原因：{r}', noEvidence: '—', showAt: '在转写中定位到 {t}',
    confirm: '确认', override: '改分', newPoints: '分数（{min} 至 {max}）', itemComment: '备注', reviewOf: '复核：{name}',
    reviewed: '复核 {p}', vetoHint: '见下方“一票否决”', outOfRange: '请输入 {min} 至 {max} 之间的分数',
  },
  en: {
    caption: 'Scorecard (machine pre-score, reviewable item by item)', item: 'Item', points: 'Points', status: 'Status', judged: 'How judged', evidence: 'Evidence', review: 'Review',
    'st-pass': 'Full marks', 'st-deducted': 'Partial', 'st-failed': 'Zero', 'st-not-applicable': 'Not applicable', 'st-veto': 'Veto',
    'st-bonus': 'Bonus', 'st-penalty': 'Penalty', 'st-none': 'Not triggered', 'st-no-veto': 'No veto',
    bonusItem: 'Bonus item', penaltyItem: 'Penalty item', vetoItem: 'Veto item', reason: 'Reason: {r}', noEvidence: '—', showAt: 'Show {t} in the transcript',
    confirm: 'Confirm', override: 'Override', newPoints: 'Points ({min} to {max})', itemComment: 'Comment', reviewOf: 'Review: {name}',
    reviewed: 'Reviewed {p}', vetoHint: 'See "Veto" below', outOfRange: 'Enter points from {min} to {max}',
  },
});

export type EvidenceRef = { alertId: string; startMs: number };

interface Props {
  items: readonly ItemResult[];
  sections?: readonly { sectionId: string; name: string }[];
  /** The latest saved review, to show its points beside the machine's. */
  latest: Review | null;
  decisions: Record<string, ItemDecision>;
  onDecision: (itemId: string, d: ItemDecision) => void;
  /** Problems to mark on the inputs (after a submit was tried). */
  problems: readonly FormProblem[];
  active: EvidenceRef | null;
  onEvidence: (e: EvidenceRef) => void;
}

const STATUS_CLASS: Record<ItemResult['status'], string> = {
  pass: 'pass', deducted: 'st-partial', failed: 'fail', 'not-applicable': 'muted', veto: 'fail', bonus: 'pass', penalty: 'fail', none: 'muted',
};

/** The scorecard by section: each item's points, status, how it was judged, its evidence and its review controls. */
export function ScorecardTable({ items, sections, latest, decisions, onDecision, problems, active, onEvidence }: Props) {
  const t = useT(m);
  const tc = useT(common);
  const lang = useLang();
  const ruleNames = useRuleNames();
  const maxText = (i: ItemResult) => (i.kind === 'penalty' ? points(-i.maxPoints) : points(i.maxPoints));
  /** A veto-only item that did not fire says so, rather than "full marks" for 0 points. */
  const statusKey = (i: ItemResult) => (i.maxPoints === 0 && i.status === 'pass' ? 'st-no-veto' : (`st-${i.status}` as const));
  return (
    <table class="data scorecard">
      <caption class="visually-hidden">{t('caption')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('item')}</th>
          <th scope="col" class="num">
            {t('points')}
          </th>
          <th scope="col">{t('status')}</th>
          <th scope="col">{t('judged')}</th>
          <th scope="col">{t('evidence')}</th>
          <th scope="col">{t('review')}</th>
        </tr>
      </thead>
      {itemsBySection(items, sections).map((section) => (
        <tbody key={section.sectionId}>
          <tr class="section-row">
            <th scope="rowgroup" colSpan={6}>
              {section.name}
            </th>
          </tr>
          {section.items.map((item) => {
            const override = latest?.items.find((o) => o.itemId === item.itemId);
            const problem = problems.find((p) => p.kind === 'points-out-of-range' && p.itemId === item.itemId);
            return (
              <tr key={item.itemId} data-item-id={item.itemId}>
                <th scope="row" class="item-name">
                  {item.name}
                  {item.kind !== 'score' && <span class="kind-badge">{t(item.kind === 'bonus' ? 'bonusItem' : 'penaltyItem')}</span>}
                  {item.kind === 'score' && item.maxPoints === 0 && <span class="kind-badge">{t('vetoItem')}</span>}
                </th>
                <td class="num item-points">
                  {points(item.points)} / {maxText(item)}
                  {override && <div class="reviewed-points">{t('reviewed', { p: points(override.points) })}</div>}
                </td>
                <td>
                  <span class={`item-status ${STATUS_CLASS[item.status]}`}>{t(statusKey(item))}</span>
                </td>
                <td class="judged">
                  {item.notApplicableReason ? t('reason', { r: item.notApplicableReason }) : judgedText(item.judged, lang, ruleNames)}
                </td>
                <td>
                  {item.evidence.length === 0 ? (
                    <span class="muted">{t('noEvidence')}</span>
                  ) : (
                    <ul class="plain evidence-list">
                      {item.evidence.map((e) => (
                        <li key={e.alertId}>
                          <button
                            type="button"
                            class="evidence"
                            aria-pressed={active?.alertId === e.alertId}
                            title={t('showAt', { t: clock(e.startMs) })}
                            onClick={() => onEvidence({ alertId: e.alertId, startMs: e.startMs })}
                          >
                            <span class="quote">「{e.quote}」</span>
                            <span class="evidence-meta">
                              {tc(e.channel)} · {clock(e.startMs)}
                              {e.occurrences > 1 && ` · ${tc('occurrences', { n: e.occurrences })}`}
                            </span>
                          </button>
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td>
                  {item.maxPoints === 0 ? (
                    <span class="muted">{t('vetoHint')}</span>
                  ) : (
                    <ItemReview item={item} decision={decisions[item.itemId]} invalid={!!problem} onChange={(d) => onDecision(item.itemId, d)} />
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      ))}
    </table>
  );
}

function ItemReview({ item, decision, invalid, onChange }: { item: ItemResult; decision: ItemDecision | undefined; invalid: boolean; onChange: (d: ItemDecision) => void }) {
  const t = useT(m);
  const d = decision ?? { override: false, points: String(item.points), comment: '' };
  const { min, max } = itemRange(item);
  const name = `review-${item.itemId}`;
  const errorId = `${name}-error`;
  return (
    <fieldset class="item-review">
      <legend class="visually-hidden">{t('reviewOf', { name: item.name })}</legend>
      <label class="choice">
        <input type="radio" name={name} value="confirm" checked={!d.override} onChange={() => onChange({ ...d, override: false })} /> {t('confirm')}
      </label>
      <label class="choice">
        <input type="radio" name={name} value="override" checked={d.override} onChange={() => onChange({ ...d, override: true })} /> {t('override')}
      </label>
      {d.override && (
        <div class="override-fields">
          <label>
            {t('newPoints', { min: points(min), max: points(max) })}
            <input
              type="number"
              class="score-input"
              min={min}
              max={max}
              step="any"
              value={d.points}
              aria-invalid={invalid}
              aria-describedby={invalid ? errorId : undefined}
              onInput={(e) => onChange({ ...d, points: e.currentTarget.value })}
            />
          </label>
          {invalid && (
            <span id={errorId} class="field-error">
              {t('outOfRange', { min: points(min), max: points(max) })}
            </span>
          )}
          <label>
            {t('itemComment')}
            <input type="text" maxLength={2000} value={d.comment} onInput={(e) => onChange({ ...d, comment: e.currentTarget.value })} />
          </label>
        </div>
      )}
    </fieldset>
  );
}
