// The progress panel: share of units recognised per year (/api/progress) for the province and a
// chosen district, against the 70 % and 90 % target lines, and the districts furthest from the
// target in the latest year. Drawn as plain SVG, so it prints sharply and needs no chart library.
import { lang, percent, pick, t } from './i18n.js';

const svgNS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const element = document.createElementNS(svgNS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text != null) element.textContent = text;
  return element;
}

/** The target (percent) in force in `year`, or null before the first one. */
export function targetFor(targets, year) {
  let share = null;
  for (const target of [...targets].sort((a, b) => a.from - b.from)) if (year >= target.from) share = target.share;
  return share;
}

/**
 * Districts whose share is furthest below the target: in `year` when a target applies then,
 * otherwise in the last year with data.
 */
export function furthestFromTarget(progress, count = 5, year = null) {
  const rows = [];
  const targets = progress.targets ?? [];
  const wanted = year != null && targetFor(targets, year) != null ? year : null;
  for (const district of progress.districts ?? []) {
    const points = (district.series ?? []).filter((point) => point.share != null && point.total > 0);
    const last = wanted != null ? points.find((point) => point.year === wanted) : points[points.length - 1];
    if (!last) continue;
    const target = last.target ?? targetFor(progress.targets ?? [], last.year);
    if (target == null) continue;
    rows.push({ district, point: last, target, gap: target - last.share });
  }
  rows.sort((a, b) => b.gap - a.gap || a.district.name.localeCompare(b.district.name, 'vi'));
  return rows.slice(0, count);
}

/**
 * Draws the chart: x = years, y = 0-100 %. `series` = [{name, points, className}], `year` the
 * map's year (a vertical marker).
 */
export function renderChart(container, progress, series, year) {
  const width = 320;
  const height = 190;
  const margin = { left: 34, right: 10, top: 10, bottom: 24 };
  const years = progress.years ?? [];
  if (!years.length) {
    container.replaceChildren();
    return;
  }
  const x0 = years[0];
  const x1 = years[years.length - 1];
  const x = (value) => margin.left + ((value - x0) / Math.max(1, x1 - x0)) * (width - margin.left - margin.right);
  const y = (value) => margin.top + (1 - value / 100) * (height - margin.top - margin.bottom);

  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img' });
  chart.append(svg('title', {}, t('progress')));
  for (const tick of [0, 25, 50, 75, 100]) {
    chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(tick), y2: y(tick), class: 'grid' }));
    chart.append(svg('text', { x: margin.left - 4, y: y(tick) + 3, class: 'axis', 'text-anchor': 'end' }, `${tick}`));
  }
  const step = years.length > 10 ? 2 : 1;
  years.forEach((value, index) => {
    if (index % step !== 0 && index !== years.length - 1) return;
    chart.append(svg('text', { x: x(value), y: height - 8, class: 'axis', 'text-anchor': 'middle' }, String(value)));
  });
  for (const target of progress.targets ?? []) {
    if (target.share == null) continue;  // a later plan without a recognised-share target
    // Across the whole chart, labelled with the year it applies from.
    chart.append(svg('line', { x1: margin.left, x2: width - margin.right, y1: y(target.share), y2: y(target.share),
      class: `target target-${Math.round(target.share)}` }));
    chart.append(svg('text', { x: margin.left + 3, y: y(target.share) - 3, class: 'target-label' },
      `${target.share} % (${target.from})`));
  }
  if (year != null && year >= x0 && year <= x1) {
    chart.append(svg('line', { x1: x(year), x2: x(year), y1: margin.top, y2: height - margin.bottom, class: 'year-marker' }));
  }
  for (const line of series) {
    const points = line.points.filter((point) => point.share != null && point.total > 0);
    if (!points.length) continue;
    const group = svg('g', { class: `series ${line.className}` });
    group.append(svg('polyline', { points: points.map((point) => `${x(point.year)},${y(point.share)}`).join(' ') }));
    for (const point of points) {
      const dot = svg('circle', { cx: x(point.year), cy: y(point.share), r: 2.6 });
      dot.append(svg('title', {}, `${line.name} ${point.year}: ${percent(point.share)} (${point.recognised}/${point.total})`));
      group.append(dot);
    }
    chart.append(group);
  }
  const legend = document.createElement('ul');
  legend.className = 'chart-legend';
  for (const line of series) {
    const item = document.createElement('li');
    item.className = line.className;
    item.textContent = line.name;
    legend.append(item);
  }
  container.replaceChildren(chart, legend);
}

/** The table of districts furthest from the target; `onPick(code)` when a row is chosen. */
/** A table head of one row with these labels. */
function headOf(labels) {
  const head = document.createElement('thead');
  const row = head.insertRow();
  for (const label of labels) {
    const cell = document.createElement('th');
    cell.textContent = label;
    row.append(cell);
  }
  return head;
}

export function renderTable(table, progress, onPick, year = null) {
  const rows = furthestFromTarget(progress, 5, year);
  table.replaceChildren();
  const caption = document.createElement('caption');
  caption.textContent = t('furthest') + (rows.length ? ` (${rows[0].point.year})` : '');
  const head = headOf([t('district'), t('share'), t('target'), t('gap')]);
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset.code = row.district.code;
    if (row.gap <= 0) tr.className = 'met';
    const name = document.createElement('td');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.textContent = row.district.name;
    button.addEventListener('click', () => onPick(row.district.code));
    name.append(button);
    const cells = [percent(row.point.share), percent(row.target), row.gap > 0 ? percent(row.gap) : '✓'];
    tr.append(name, ...cells.map((text) => {
      const td = document.createElement('td');
      td.textContent = text;
      return td;
    }));
    body.append(tr);
  }
  table.append(caption, head, body);
  if (rows.length && rows.every((row) => row.gap <= 0)) {
    const note = document.createElement('tfoot');
    note.innerHTML = '<tr><td colspan="4"></td></tr>';
    note.rows[0].cells[0].textContent = t('all_met');
    table.append(note);
  }
}

const grades = { kha: { vi: 'khá', en: 'good' }, trung_binh: { vi: 'trung bình', en: 'fair' }, yeu: { vi: 'yếu', en: 'weak' } };

function number(value) {
  return Math.round(value).toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB');
}

/**
 * The area's other indicators of the year (/api/stats: shares against their targets; for internal
 * callers also the plan's sums): one row each, the shares first.
 */
export function indicatorRows(stats, code) {
  const area = code ? (stats.districts ?? []).find((district) => district.code === code) : stats.province;
  if (!area) return [];
  const rows = [];
  for (const indicator of area.indicators ?? []) {
    if (!indicator.denominator) continue;
    const target = indicator.target == null ? '–' : `${indicator.target_strictly_over ? '> ' : ''}${percent(indicator.target)}`;
    const verdict = indicator.meets_target == null ? '–' : indicator.meets_target ? '✓' : '✗';
    rows.push({ id: indicator.id, label: indicator.label,
      value: `${number(indicator.numerator)}/${number(indicator.denominator)} (${percent(indicator.share)})`, target, verdict });
  }
  const totals = area.totals ?? {};
  for (const entry of stats.indicator_catalogue ?? []) {
    if (entry.kind === 'grade') {
      const counts = Object.entries(grades)
        .filter(([key]) => totals[`${entry.id}:${key}`] != null)
        .map(([key, label]) => `${label[lang()] ?? label.vi}: ${number(totals[`${entry.id}:${key}`])}`);
      if (counts.length) rows.push({ id: entry.id, label: pick(entry, 'label'), value: counts.join('; '), target: '–', verdict: '–' });
      continue;
    }
    if (totals[entry.id] == null) continue;
    const value = number(totals[entry.id]) + (entry.kind === 'money' ? ' đ' : '');
    rows.push({ id: entry.id, label: pick(entry, 'label'), value, target: '–', verdict: '–' });
  }
  return rows;
}

/** Draws indicatorRows() into `table`, captioned with the year and the area's name. */
export function renderIndicators(table, stats, code) {
  table.replaceChildren();
  if (!stats) return;
  const rows = indicatorRows(stats, code);
  const area = code ? (stats.districts ?? []).find((district) => district.code === code) : stats.province;
  const caption = document.createElement('caption');
  caption.textContent = `${t('other_indicators')} ${stats.year}${area ? ` — ${area.name}` : ''}`;
  table.append(caption);
  if (!rows.length) {
    const note = document.createElement('tbody');
    note.innerHTML = '<tr><td colspan="4"></td></tr>';
    note.rows[0].cells[0].textContent = t('no_indicators');
    table.append(note);
    return;
  }
  const head = headOf([t('indicator'), t('result'), t('target'), t('assessment')]);
  const body = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.dataset.indicator = row.id;
    for (const text of [row.label, row.value, row.target, row.verdict]) {
      const td = document.createElement('td');
      td.textContent = text;
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(head, body);
}
