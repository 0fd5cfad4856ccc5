import { messages, useT } from '../i18n';

const m = messages({
  zh: { title: '页面不存在', back: '返回首页' },
  en: { title: 'No such page', back: 'Back to the home page' },
});

export function NotFoundView() {
  const t = useT(m);
  return (
    <main>
      <h1 class="page-title">{t('title')}</h1>
      <a href="/">{t('back')}</a>
    </main>
  );
}
