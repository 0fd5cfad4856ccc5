import { points } from '../format';
import { messages, useT } from '../i18n';
import type { FormProblem, ReviewForm, VetoChoice } from '../qa-review';

const m = messages({
  zh: {
    heading: '提交复核', reviewer: '复核人', comment: '总体评语', veto: '一票否决', vetoMachine: '按机器判定（{v}）', vetoYes: '否决',
    vetoClear: '撤销否决', vetoed: '否决', notVetoed: '未否决', preview: '复核总分（提交前预览）', pass: '合格', fail: '不合格', submit: '提交复核',
    saving: '提交中…', problems: '请先更正：', reviewerMissing: '请填写复核人。', pointsOut: '“{item}”的分数须在 {min} 至 {max} 之间。',
    refused: '服务器拒绝了复核：', saved: '复核已保存：复核总分 {total}（{verdict}）。',
  },
  en: {
    heading: 'Submit review', reviewer: 'Reviewer', comment: 'Overall comment', veto: 'Veto', vetoMachine: 'As the machine judged ({v})', vetoYes: 'Veto',
    vetoClear: 'Clear the veto', vetoed: 'vetoed', notVetoed: 'not vetoed', preview: 'Inspector total (preview before saving)', pass: 'Pass', fail: 'Fail', submit: 'Submit review',
    saving: 'Submitting…', problems: 'Please correct:', reviewerMissing: 'Enter the reviewer.', pointsOut: 'Points for "{item}" must be from {min} to {max}.',
    refused: 'The server refused the review:', saved: 'Review saved: inspector total {total} ({verdict}).',
  },
});

interface Props {
  form: ReviewForm;
  onChange: (form: ReviewForm) => void;
  machineVeto: boolean;
  preview: { total: number; passed: boolean };
  /** Problems found before sending (shown once a submit was tried). */
  problems: readonly FormProblem[];
  itemName: (itemId: string) => string;
  saving: boolean;
  /** The API's refusal, as code and message. */
  apiError: string | null;
  saved: { total: number; passed: boolean } | null;
}

/** Reviewer, overall comment, the veto, the inspector's total as it stands, and the submit button. */
export function ReviewFormFooter({ form, onChange, machineVeto, preview, problems, itemName, saving, apiError, saved }: Props) {
  const t = useT(m);
  return (
    <section class="panel review-form" aria-labelledby="review-h">
      <h2 id="review-h">{t('heading')}</h2>
      <div class="filters">
        <label>
          {t('reviewer')}
          <input
            name="reviewer"
            value={form.reviewer}
            maxLength={128}
            required
            aria-invalid={problems.some((p) => p.kind === 'reviewer-missing')}
            onInput={(e) => onChange({ ...form, reviewer: e.currentTarget.value })}
          />
        </label>
        <label>
          {t('veto')}
          <select name="veto" value={form.veto} onChange={(e) => onChange({ ...form, veto: e.currentTarget.value as VetoChoice })}>
            <option value="machine">{t('vetoMachine', { v: t(machineVeto ? 'vetoed' : 'notVetoed') })}</option>
            <option value="veto">{t('vetoYes')}</option>
            <option value="clear">{t('vetoClear')}</option>
          </select>
        </label>
        <label class="wide">
          {t('comment')}
          <textarea name="comment" rows={2} maxLength={2000} value={form.comment} onInput={(e) => onChange({ ...form, comment: e.currentTarget.value })} />
        </label>
      </div>
      <p class="preview" aria-live="polite">
        {t('preview')}: <strong class="preview-total">{points(preview.total)}</strong>{' '}
        <span class={preview.passed ? 'pass' : 'fail'}>{t(preview.passed ? 'pass' : 'fail')}</span>
      </p>
      {problems.length > 0 && (
        <div class="error" role="alert">
          {t('problems')}
          <ul>
            {problems.map((p) => (
              <li key={p.kind === 'reviewer-missing' ? p.kind : p.itemId}>
                {p.kind === 'reviewer-missing' ? t('reviewerMissing') : t('pointsOut', { item: itemName(p.itemId), min: points(p.min), max: points(p.max) })}
              </li>
            ))}
          </ul>
        </div>
      )}
      {apiError && (
        <p class="error" role="alert">
          {t('refused')} {apiError}
        </p>
      )}
      {saved && !apiError && (
        <p class="saved" role="status">
          {t('saved', { total: points(saved.total), verdict: t(saved.passed ? 'pass' : 'fail') })}
        </p>
      )}
      <button type="submit" class="primary" disabled={saving}>
        {saving ? t('saving') : t('submit')}
      </button>
    </section>
  );
}
