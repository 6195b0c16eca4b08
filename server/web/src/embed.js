// `/embed?layers=a,b&year=Y&bbox=minlon,minlat,maxlon,maxlat&lang=vi|en&legend=0|1`: the map and a
// small legend for other portals' iframes. The server has already refused bad parameters with a
// 400 page, so they are only read here.
import 'ol/ol.css';
import './embed.css';
import { loadLegend, loadYears, markSyntheticData, pageConfig } from './api.js';
import { initLanguage, t } from './i18n.js';
import { renderLegend } from './legend.js';
import { ProvinceMap } from './map.js';

const $ = (id) => document.getElementById(id);

async function main() {
  const params = new URLSearchParams(window.location.search);
  const config = pageConfig();
  initLanguage(params.get('lang') ?? 'vi');  // an iframe follows its portal, not the viewer's choice
  const layers = config.layers ?? [];
  const wanted = params.get('layers')?.split(',').map((name) => name.trim()) ?? ['communes'];
  const { defaultYear, extent, synthetic } = await loadYears();
  if (synthetic) markSyntheticData($('map'));
  const year = params.has('year') ? Number(params.get('year')) : defaultYear;
  const bbox = params.has('bbox') ? params.get('bbox').split(',').map(Number) : extent;
  const map = new ProvinceMap('map', { layers, visible: wanted, year, extent: bbox, controls: false });
  window.anttmap = { map };

  const full = $('open-full');
  full.href = `./#year=${year}`;
  if (params.get('legend') === '0') {
    $('embed-legend').hidden = true;
  } else {
    const styles = await loadLegend(config);
    $('embed-year').textContent = `— ${year}`;
    renderLegend($('legend'), styles, layers.filter((layer) => wanted.includes(layer.name)), { compact: true });
    if (window.innerWidth < 420) $('embed-legend').open = false;
  }
}

main().catch((error) => {
  const box = $('status');
  box.hidden = false;
  box.className = 'error';
  box.textContent = `${t('error')}: ${error.message}`;
});
