// The province map at `/`: year slider, layer switcher, legend, click for a unit's status history,
// search by name, and the progress panel. Vietnamese by default, English on request (remembered).
import 'ol/ol.css';
import './viewer.css';
import { ApiError, getJSON, loadLegend, loadYears, markSyntheticData, pageConfig } from './api.js';
import { initLanguage, lang, onLanguageChange, pick, setLanguage, t } from './i18n.js';
import { renderLegend } from './legend.js';
import { ProvinceMap } from './map.js';
import { renderChart, renderTable, renderIndicators, furthestFromTarget } from './progress.js';
import { setupSearch } from './search.js';
import { loadUnit, renderMessage, renderUnit } from './unit.js';
import { renderStatusForm } from './edit.js';

// GetFeatureInfo preference: the most detailed unit under the pointer first; layers the registry
// adds later are asked after these, topmost first.
const preferredClickOrder = ['units', 'villages', 'communes', 'districts', 'hotspots', 'clusters', 'models'];
const $ = (id) => document.getElementById(id);

function status(text, isError = false) {
  const box = $('status');
  box.textContent = text ?? '';
  box.className = isError ? 'error' : '';
  box.hidden = !text;
}

async function main() {
  const config = pageConfig();
  initLanguage();
  // Signed in: the account and a sign-out form carrying the session's CSRF token; else a link to /login.
  if (config.account) {
    $('sign-in').hidden = true;
    $('account').hidden = false;
    $('account-name').textContent = `${config.account.name} (${config.account.role})`;
    $('account').elements.csrf.value = config.account.csrf;
  }
  $('lang').addEventListener('click', () => setLanguage(lang() === 'vi' ? 'en' : 'vi'));

  const { years, defaultYear, extent, synthetic } = await loadYears();
  if (synthetic) markSyntheticData($('map'));
  const styles = await loadLegend(config);
  const layers = config.layers ?? [];
  const clickOrder = [
    ...preferredClickOrder.filter((name) => layers.some((layer) => layer.name === name)),
    ...layers.map((layer) => layer.name).filter((name) => !preferredClickOrder.includes(name)).reverse(),
  ];
  const narrow = window.matchMedia('(max-width: 760px)');

  // "#year=2015" (the /embed page links here with its year) opens that year.
  const hashYear = Number(new URLSearchParams(window.location.hash.slice(1)).get('year'));
  const startYear = years.includes(hashYear) ? hashYear : defaultYear;
  const map = new ProvinceMap('map', {
    layers,
    visible: layers.filter((layer) => layer.shown).map((layer) => layer.name),
    year: startYear,
    extent,
  });
  window.anttmap = { map };

  // Year slider: the label follows at once, the tiles after a short pause.
  const slider = $('year');
  slider.min = String(years[0] ?? defaultYear);
  slider.max = String(years[years.length - 1] ?? defaultYear);
  slider.value = String(startYear);
  $('year-min').textContent = slider.min;
  $('year-max').textContent = slider.max;
  const showYear = () => {
    $('year-value').textContent = slider.value;
  };
  showYear();
  let yearTimer = 0;
  slider.addEventListener('input', () => {
    showYear();
    clearTimeout(yearTimer);
    yearTimer = setTimeout(() => yearChanged(Number(slider.value)), 120);
  });

  // Layer switcher.
  const layerList = $('layer-list');
  const drawLayerList = () => {
    layerList.replaceChildren();
    for (const layer of layers) {
      const item = document.createElement('li');
      const label = document.createElement('label');
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = layer.name;
      box.checked = map.visibleNames().includes(layer.name);
      box.addEventListener('change', () => {
        map.setVisible(layer.name, box.checked);
        drawLegend();
      });
      const text = document.createElement('span');
      text.textContent = pick(layer, 'title');
      label.append(box, text);
      if (layer.min_zoom > 0) {
        const hint = document.createElement('small');
        hint.textContent = ` (${t('zoom_in_for')} ${layer.min_zoom})`;
        label.append(hint);
      }
      item.append(label);
      layerList.append(item);
    }
  };
  const drawLegend = () => {
    const visible = layers.filter((layer) => map.visibleNames().includes(layer.name));
    renderLegend($('legend'), styles, visible, { year: map.year });
  };
  drawLayerList();
  drawLegend();

  // The selected unit, and for editors and admins its status form.
  const unitBox = $('unit');
  let selected = null;  // the /api/units document
  const editing = config.account && ['editor', 'admin'].includes(config.account.role);
  const drawUnit = ({ year = map.year, notice } = {}) => {
    renderUnit(unitBox, selected, styles, { onUnit: (code) => showUnit(code, { zoom: true }) });
    if (!editing) return;
    renderStatusForm(unitBox, selected, {
      account: config.account, years, year, notice,
      onSaved: async (savedYear) => {
        map.refresh();
        selected = await loadUnit(selected.code, map.year);
        drawUnit({ year: savedYear, notice: t('edit_saved') });
      },
    });
  };
  const showUnit = async (code, { zoom = false, mark = true } = {}) => {
    $('panel-unit').open = true;
    if (narrow.matches) setDrawer(true);  // on a phone the history is in the drawer
    $('panel-unit').scrollIntoView({ block: 'nearest' });
    renderMessage(unitBox, t('loading'));
    try {
      selected = await loadUnit(code, map.year);
      drawUnit();
      if (selected.bbox && mark) map.mark(selected.bbox, null);
      if (selected.bbox && zoom) map.fitLonLat(selected.bbox);
    } catch (error) {
      selected = null;
      renderMessage(unitBox, `${t('error')}: ${error.message}`, 'error');
    }
  };
  renderMessage(unitBox, t('unit_hint'));

  map.map.on('singleclick', async (event) => {
    try {
      const features = await map.featuresAt(event.coordinate, clickOrder);
      const hit = features.find((feature) => feature.properties.code);
      if (!hit) {
        selected = null;
        map.mark(null, null);
        $('panel-unit').open = true;
        renderMessage(unitBox, t('nothing_here'));
        return;
      }
      map.markGeometry(hit.geometry);
      await showUnit(hit.properties.code, { mark: false });
    } catch (error) {
      renderMessage(unitBox, `${t('error')}: ${error.message}`, 'error');
    }
  });

  setupSearch({
    input: $('search'),
    list: $('search-results'),
    year: () => map.year,
    onPick: (result) => {
      if (result.bbox) map.fitLonLat(result.bbox);
      map.mark(result.bbox, result.center);
      showUnit(result.code, { mark: false });
    },
  });

  // Progress towards the targets.
  let progress = null;
  const districtSelect = $('progress-district');
  // The other indicators of the province in the map's year (/api/stats; the plan's sums for internal roles).
  let yearStats = null;
  let statsAsked = null;
  const drawIndicators = () => {
    const year = map.year;
    if (yearStats?.year === year) {
      renderIndicators($('progress-indicators'), yearStats, null);
      return;
    }
    if (statsAsked === year) return;
    statsAsked = year;
    getJSON(`api/stats?year=${year}`)
      .then((answer) => {
        if (answer.year !== map.year) return;
        yearStats = answer;
        renderIndicators($('progress-indicators'), yearStats, null);
      })
      .catch(() => {
        statsAsked = null;
        $('progress-indicators').replaceChildren();
      });
  };
  const drawProgress = () => {
    drawIndicators();
    if (!progress) return;
    const chosen = (progress.districts ?? []).find((district) => district.code === districtSelect.value);
    const series = [{ name: `${t('province')}: ${progress.province?.name ?? ''}`, points: progress.province?.series ?? [], className: 'province' }];
    if (chosen) series.push({ name: chosen.name, points: chosen.series ?? [], className: 'district' });
    renderChart($('progress-chart'), progress, series, map.year);
    renderTable($('progress-table'), progress, (code) => {
      districtSelect.value = code;
      drawProgress();
      showUnit(code, { zoom: true });
    }, map.year);
  };
  const fillDistricts = () => {
    if (!progress) return;
    const keep = districtSelect.value;
    districtSelect.replaceChildren();
    for (const district of progress.districts ?? []) {
      const option = document.createElement('option');
      option.value = district.code;
      option.textContent = district.name;
      districtSelect.append(option);
    }
    districtSelect.value = keep || furthestFromTarget(progress, 1)[0]?.district.code || '';
  };
  districtSelect.addEventListener('change', drawProgress);
  getJSON('api/progress')
    .then((answer) => {
      progress = answer;
      fillDistricts();
      drawProgress();
    })
    .catch((error) => {
      $('progress-chart').textContent = error instanceof ApiError && error.status === 404 ? t('api_missing') : `${t('error')}: ${error.message}`;
    });

  const yearChanged = (year) => {
    map.setYear(year);
    window.history.replaceState(null, '', `#year=${year}`);  // a link to the page keeps the year
    drawLegend();
    drawProgress();
  };

  onLanguageChange(() => {
    drawLayerList();
    drawLegend();
    drawProgress();
    if (selected) drawUnit();
    else if (!unitBox.dataset.code) renderMessage(unitBox, t('unit_hint'));
  });

  // Printing: the map takes the page; OpenLayers redraws at the printed size.
  $('print').addEventListener('click', () => window.print());
  window.addEventListener('beforeprint', () => map.map.updateSize());
  window.addEventListener('afterprint', () => map.map.updateSize());

  // On a phone the panels start closed and the sidebar is a drawer.
  const sidebar = $('sidebar');
  const toggle = $('panels');
  const setDrawer = (open) => {
    sidebar.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => setDrawer(!sidebar.classList.contains('open')));
  if (narrow.matches) {
    for (const details of sidebar.querySelectorAll('details')) details.open = false;
  }
  narrow.addEventListener?.('change', () => map.map.updateSize());
  status(null);
}

main().catch((error) => {
  status(`${t('error')}: ${error.message}`, true);
  console.warn(error);
});
