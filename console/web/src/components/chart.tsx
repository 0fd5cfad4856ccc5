import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { createBarChart, type BarChartSpec } from '../charts';
import { messages, useT } from '../i18n';

const m = messages({ zh: { dataTable: '数据表' }, en: { dataTable: 'Data table' } });

/**
 * A bar chart on a canvas (role="img", `label` summarising it) with its figures in a table underneath, in a
 * <details> (open with `tableOpen`), so they read without the canvas. The chart is drawn in an effect (the
 * canvas gets `data-drawn` once it is) and destroyed on unmount; a new `spec` redraws it, so callers memoise
 * the spec on its data and language.
 */
export function BarChart(props: { spec: BarChartSpec; label: string; height?: number; table: ComponentChildren; tableOpen?: boolean }) {
  const t = useT(m);
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    if (!el) return;
    let chart: { destroy(): void } | undefined;
    let mounted = true;
    void createBarChart(el, props.spec).then((c) => {
      if (!mounted) return c.destroy();
      chart = c;
      el.dataset.drawn = 'true';
    });
    return () => {
      mounted = false;
      chart?.destroy();
      delete el.dataset.drawn;
    };
  }, [props.spec]);
  return (
    <figure class="chart">
      <div class="chart-box" style={{ height: `${props.height ?? 260}px` }}>
        <canvas ref={canvas} role="img" aria-label={props.label} />
      </div>
      <details class="chart-data" open={props.tableOpen}>
        <summary>{t('dataTable')}</summary>
        {props.table}
      </details>
    </figure>
  );
}
