/**
 * Bar charts (vertical and horizontal) with Chart.js 4, tree-shaken: only the bar controller, bar element,
 * category and linear scales and the tooltip are registered. Chart.js is loaded on first use (its own chunk),
 * so views without charts never download it. No animation, so screenshots and tests see the finished chart
 * at once. Each bar can carry its value written at its end (`valueText`), and an axis a dashed marker (the
 * pass mark).
 */
import type { Chart, ChartConfiguration, Plugin } from 'chart.js';

/** Colours with at least 4.5:1 contrast on white (text) and 3:1 (bars). */
export const CHART_COLOURS = {
  ink: '#1b1f24',
  muted: '#4f5964',
  grid: '#e1e5ea',
  bar: '#1f5fbf',
  pass: '#196b34',
  fail: '#a8231b',
  mixed: '#7f4d00',
  marker: '#1b1f24',
} as const;

const FONT = 'system-ui, "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

export interface ChartMarker {
  /** `category`: at a (fractional) bar position; `value`: at a value. */
  axis: 'category' | 'value';
  at: number;
  label: string;
}

export interface BarChartSpec {
  /** Bars left to right, or top to bottom when horizontal. */
  labels: string[];
  values: number[];
  /** One colour for all bars, or one per bar. */
  colours?: string | string[];
  horizontal?: boolean;
  /** The value axis: title and range. */
  valueTitle: string;
  valueMax?: number;
  /** Whole numbers on the value axis (counts). */
  integerTicks?: boolean;
  /** The category axis's title. */
  categoryTitle?: string;
  /** Written at each bar's end; none when left out. */
  valueText?: string[];
  /** Tooltip: the title (e.g. the whole item name) and the lines for bar i. */
  tooltipTitle?: (i: number) => string;
  tooltipLines: (i: number) => string[];
  /** A dashed line with its label: the pass mark. */
  marker?: ChartMarker;
}

/**
 * Writes each bar's text just past its end, over a white halo; a text that would run out of the canvas goes
 * inside the bar's end in white.
 */
function valueLabels(texts: readonly string[]): Plugin<'bar'> {
  return {
    id: 'earshotValueLabels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const horizontal = chart.options.indexAxis === 'y';
      ctx.save();
      ctx.font = `12px ${FONT}`;
      ctx.textBaseline = horizontal ? 'middle' : 'bottom';
      ctx.lineJoin = 'round';
      chart.getDatasetMeta(0).data.forEach((bar, i) => {
        const text = texts[i];
        if (!text) return;
        const inside = horizontal && bar.x + 4 + ctx.measureText(text).width > chart.width;
        ctx.textAlign = horizontal ? (inside ? 'right' : 'left') : 'center';
        const x = horizontal ? bar.x + (inside ? -4 : 4) : bar.x;
        const y = horizontal ? bar.y : bar.y - 3;
        if (inside) {
          ctx.fillStyle = '#ffffff';
        } else {
          ctx.strokeStyle = '#ffffff';
          ctx.lineWidth = 3;
          ctx.strokeText(text, x, y);
          ctx.fillStyle = CHART_COLOURS.ink;
        }
        ctx.fillText(text, x, y);
      });
      ctx.restore();
    },
  };
}

/**
 * A dashed line at `at` on one axis: on the category axis `at` is a (fractional) bar position, on the value
 * axis a value. A vertical line's label goes above the plot (the config leaves room), a horizontal one's at
 * the right end.
 */
function markerLine(marker: ChartMarker): Plugin<'bar'> {
  return {
    id: 'earshotMarker',
    // Before the value labels, which are written over it.
    beforeDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const categoryAxis = chart.options.indexAxis === 'y' ? 'y' : 'x';
      const axis = marker.axis === 'category' ? categoryAxis : categoryAxis === 'x' ? 'y' : 'x';
      const scale = chart.scales[axis];
      if (!scale) return;
      const p = scale.getPixelForValue(marker.at);
      const vertical = axis === 'x';
      // Above the plot: over the value labels of vertical bars, or just above horizontal ones.
      const labelBottom = chartArea.top - (categoryAxis === 'x' ? 18 : 4);
      ctx.save();
      ctx.strokeStyle = CHART_COLOURS.marker;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      if (vertical) {
        ctx.moveTo(p, labelBottom - 12);
        ctx.lineTo(p, chartArea.bottom);
      } else {
        ctx.moveTo(chartArea.left, p);
        ctx.lineTo(chartArea.right, p);
      }
      ctx.stroke();
      ctx.fillStyle = CHART_COLOURS.ink;
      ctx.font = `600 12px ${FONT}`;
      ctx.textBaseline = 'bottom';
      // Right of a vertical line, or left of it where the label would run out of the canvas.
      const leftOfLine = vertical && p + 4 + ctx.measureText(marker.label).width > chart.width;
      ctx.textAlign = vertical && !leftOfLine ? 'left' : 'right';
      ctx.fillText(marker.label, vertical ? p + (leftOfLine ? -4 : 4) : chartArea.right, vertical ? labelBottom : p - 3);
      ctx.restore();
    },
  };
}

/** The Chart.js configuration for a spec (exported for inspection; `createBarChart` draws it). */
export function barChartConfig(spec: BarChartSpec): ChartConfiguration<'bar'> {
  const valueAxis = {
    beginAtZero: true,
    ...(spec.valueMax !== undefined ? { max: spec.valueMax } : {}),
    title: { display: true, text: spec.valueTitle, color: CHART_COLOURS.muted },
    ticks: { color: CHART_COLOURS.muted, ...(spec.integerTicks ? { precision: 0 } : {}) },
    grid: { color: CHART_COLOURS.grid },
  };
  const categoryAxis = {
    title: { display: spec.categoryTitle !== undefined, text: spec.categoryTitle ?? '', color: CHART_COLOURS.muted },
    ticks: { color: CHART_COLOURS.ink, autoSkip: false },
    grid: { display: false },
  };
  return {
    type: 'bar',
    data: {
      labels: spec.labels,
      datasets: [{ data: spec.values, backgroundColor: spec.colours ?? CHART_COLOURS.bar, maxBarThickness: 36 }],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: spec.horizontal ? 'y' : 'x',
      // Room for the value labels past the bars' ends, and for the marker's label above the plot.
      layout: { padding: { right: spec.horizontal ? 64 : 0, top: (spec.horizontal ? 0 : 18) + (spec.marker ? 20 : 0) } },
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        tooltip: {
          callbacks: {
            title: (items) => (spec.tooltipTitle && items[0] ? spec.tooltipTitle(items[0].dataIndex) : (items[0]?.label ?? '')),
            label: (item) => spec.tooltipLines(item.dataIndex),
          },
        },
      },
    },
    plugins: [...(spec.valueText ? [valueLabels(spec.valueText)] : []), ...(spec.marker ? [markerLine(spec.marker)] : [])],
  };
}

let chartClass: Promise<typeof Chart> | undefined;

/** Chart.js with the bar chart's pieces registered, loaded once. */
function loadChartJs(): Promise<typeof Chart> {
  chartClass ??= import('chart.js').then(({ Chart, BarController, BarElement, CategoryScale, LinearScale, Tooltip }) => {
    Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
    Chart.defaults.font.family = FONT;
    return Chart;
  });
  return chartClass;
}

/** A bar chart on the canvas, once Chart.js is loaded; the caller destroys it. */
export async function createBarChart(canvas: HTMLCanvasElement, spec: BarChartSpec): Promise<Chart<'bar'>> {
  const ChartJs = await loadChartJs();
  return new ChartJs(canvas, barChartConfig(spec));
}
