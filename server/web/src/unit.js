// The selected unit: name, kind, parent, validity and its status history with decision numbers
// (/api/units/{code}; newest year first, superseded corrections kept and struck through).
import { getJSON } from './api.js';
import { entrySwatch, findEntry } from './legend.js';
import { lang, pick, t } from './i18n.js';

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text != null) node.textContent = text;
  if (className) node.className = className;
  return node;
}

/** 2020-12-28 -> 28/12/2020 in Vietnamese; ISO dates stay as they are in English. */
function formatDate(iso) {
  if (!iso) return '';
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match && lang() === 'vi' ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

/** The programme's milestone years, whose recognition a commune made later is shown on its ground. */
export const MILESTONE_YEARS = [2015, 2020];

/** The milestones re-expressed on the communes of the end of `year` (/api/history), by code; read once
 * per year and page (the answer is the same for every commune of that year). */
const historyOfYear = new Map();
function reexpressedOn(year) {
  if (!historyOfYear.has(year)) {
    const url = `api/history?on_units_of=${year}-12-31&years=${MILESTONE_YEARS.join(',')}`;
    historyOfYear.set(year, getJSON(url)
      .then((document) => new Map((document.units ?? []).map((unit) => [unit.code, unit.years])))
      .catch(() => { historyOfYear.delete(year); return null; }));
  }
  return historyOfYear.get(year);
}

/** The unit as it was in `year`, with its lineage (what it was made from and what it became) and, for a
 * commune made after the milestones, their recognition on its ground; what cannot be read is left out. */
export async function loadUnit(code, year) {
  const path = `api/units/${encodeURIComponent(code)}`;
  const [newest, lineage] = await Promise.all([getJSON(path), getJSON(`${path}/lineage`).catch(() => null)]);
  // The version of the map's year; a unit that did not exist then (reached through lineage) as it last was.
  const end = `${year}-12-31`;
  const versions = newest.versions ?? [];
  const ofYear = versions.findIndex((v) => (v.valid_from ?? '0001-01-01') <= end && (!v.valid_to || v.valid_to > end));
  const unit = year && ofYear >= 0 && ofYear !== versions.length - 1 ? await getJSON(`${path}?year=${year}`) : newest;
  const madeLater = (lineage?.before ?? []).some((item) => item.date > `${MILESTONE_YEARS.at(-1)}-12-31`);
  let milestones = null;
  if (unit.kind === 'commune' && year > MILESTONE_YEARS.at(-1) && madeLater) {
    milestones = (await reexpressedOn(year))?.get(unit.code) ?? null;
  }
  return { ...unit, lineage, milestones };
}

/** "2015: 63,2 % of its ground, 7 of 9 villages recognised" for each milestone year. */
function renderMilestones(container, milestones) {
  if (!milestones) return;
  const section = element('div', null, 'milestones');
  section.append(element('h4', t('milestones_title')));
  const list = element('ul');
  const number = (value) => value.toLocaleString(lang() === 'vi' ? 'vi-VN' : 'en-GB', { maximumFractionDigits: 1 });
  for (const year of MILESTONE_YEARS) {
    const figures = milestones[String(year)];
    if (!figures) continue;
    const entry = element('li');
    entry.dataset.year = year;
    const ground = figures.area_share == null ? t('milestone_no_ground')
      : t('milestone_ground').replace('{share}', number(figures.area_share));
    const villages = figures.villages ? t('milestone_villages').replace('{recognised}', figures.villages_recognised)
      .replace('{total}', figures.villages) : '';
    entry.textContent = `${year}: ${ground}${villages ? `; ${villages}` : ''}`;
    list.append(entry);
  }
  section.append(list);
  container.append(section);
}

const KIND_LABELS = {
  merge: ['sáp nhập', 'merge'], split: ['chia tách', 'split'], rename: ['đổi tên', 'rename'],
  reclassify: ['chuyển loại', 'reclassify'], transfer: ['điều chuyển', 'transfer'],
  abolish: ['giải thể', 'abolish'], create: ['thành lập', 'create'],
};

/** "Made from" and "became" lists; `onUnit(code)` opens another unit. */
function renderLineage(container, lineage, onUnit) {
  if (!lineage) return;
  for (const [key, items] of [['lineage_before', lineage.before], ['lineage_after', lineage.after]]) {
    if (!items?.length) continue;
    const section = element('div', null, 'lineage');
    section.dataset.direction = key;
    section.append(element('h4', t(key)));
    const list = element('ul');
    for (const item of items) {
      const entry = element('li');
      const label = KIND_LABELS[item.kind]?.[lang() === 'vi' ? 0 : 1] ?? item.kind;
      const link = element('button', `${item.name || item.code} (${item.code})`, 'link');
      link.type = 'button';
      link.dataset.code = item.code;
      if (onUnit) link.addEventListener('click', () => onUnit(item.code));
      entry.append(element('span', `${formatDate(item.date)} · ${label}: `), link);
      if (item.decision) entry.title = item.decision;
      list.append(entry);
    }
    section.append(list);
    container.append(section);
  }
}

/** Renders `unit` (the /api/units document) into `container`; `styles` colour the statuses. */
export function renderUnit(container, unit, styles, { onUnit } = {}) {
  container.replaceChildren();
  container.dataset.code = unit.code;
  const title = element('h3', unit.name, 'unit-name');
  const facts = element('dl', null, 'unit-facts');
  const fact = (label, value) => {
    if (value == null || value === '') return;
    facts.append(element('dt', label), element('dd', value));
  };
  fact(t('code'), unit.code);
  fact(t('kind'), t(`kinds.${unit.kind}`) === `kinds.${unit.kind}` ? unit.kind : t(`kinds.${unit.kind}`));
  if (unit.parent_name || unit.parent_code) fact(t('parent'), unit.parent_name || unit.parent_code);
  if (unit.valid_from) fact(t('valid'), `${unit.valid_from} → ${unit.valid_to || '…'}`);
  container.append(title, facts);
  renderLineage(container, unit.lineage, onUnit);
  renderMilestones(container, unit.milestones);

  const statuses = unit.statuses ?? [];
  if (!statuses.length) {
    container.append(element('p', t('no_status'), 'hint'));
    return;
  }
  const table = element('table', null, 'history');
  const head = element('thead');
  const headRow = element('tr');
  for (const label of [t('year'), t('status'), t('decision'), t('date'), t('authority')]) headRow.append(element('th', label));
  head.append(headRow);
  const body = element('tbody');
  for (const status of statuses) {
    const row = element('tr', null, status.superseded ? 'superseded' : '');
    row.dataset.year = status.year;
    if (status.superseded) row.title = t('superseded');
    const statusCell = element('td');
    const [style, entry] = findEntry(styles, 'unit_status', status.status);
    if (style && entry) statusCell.append(entrySwatch(style, entry));
    statusCell.append(element('span', pick(status, 'label') || status.status));
    if (status.note) statusCell.title = status.note;
    row.append(element('td', String(status.year)), statusCell, element('td', status.decision || '–', 'decision'),
      element('td', formatDate(status.date)), element('td', status.authority || ''));
    body.append(row);
  }
  table.append(head, body);
  container.append(table);
}

export function renderMessage(container, text, className = 'hint') {
  container.replaceChildren(element('p', text, className));
  delete container.dataset.code;
}
