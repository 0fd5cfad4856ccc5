import { useLocation } from 'preact-iso';
import { messages, setLang, useLang, useT } from '../i18n';

const m = messages({
  zh: { home: '首页', supervisor: '班长监控', qa: '质检', reports: '报表', calibration: '校准', language: '语言', nav: '主导航' },
  en: { home: 'Home', supervisor: 'Supervisor', qa: 'QA', reports: 'Reports', calibration: 'Calibration', language: 'Language', nav: 'Main navigation' },
});

/** The bar above every view: brand, the views, the language switch. Compact enough for a 400 px side panel. */
export function TopBar() {
  const t = useT(m);
  const lang = useLang();
  const { path } = useLocation();
  const link = (href: string, key: 'supervisor' | 'qa' | 'reports' | 'calibration') => (
    <a href={href} aria-current={path === href ? 'page' : undefined}>
      {t(key)}
    </a>
  );
  return (
    <header class="topbar">
      <a class="brand" href="/">
        Earshot
      </a>
      <nav aria-label={t('nav')}>
        {link('/supervisor', 'supervisor')}
        {link('/qa', 'qa')}
        {link('/qa/reports', 'reports')}
        {link('/qa/calibration', 'calibration')}
      </nav>
      <span class="spacer" />
      <span class="lang" role="group" aria-label={t('language')}>
        <button type="button" aria-pressed={lang === 'zh'} onClick={() => setLang('zh')} lang="zh-CN">
          中文
        </button>{' '}
        <button type="button" aria-pressed={lang === 'en'} onClick={() => setLang('en')} lang="en">
          EN
        </button>
      </span>
    </header>
  );
}
