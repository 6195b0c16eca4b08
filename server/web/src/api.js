// Small JSON client for the server's own endpoints (relative URLs, so the viewer also works
// behind a reverse proxy under a sub-path). Errors carry the server's bilingual reason.
export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** `url` with the page's embed token (?token= of the page), which every request of an embedded map carries. */
export function withToken(url) {
  const token = new URLSearchParams(window.location.search).get('token');
  if (!token) return url;
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

export async function getJSON(url, { signal } = {}) {
  const response = await fetch(withToken(url), { signal, headers: { Accept: 'application/json' } });
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  if (!response.ok) throw new ApiError(response.status, (body && body.error) || `${response.status} ${response.statusText}`);
  return body;
}

/** The configuration the server wrote into the page: the layer registry and the style legend. */
export function pageConfig() {
  const element = document.getElementById('antt-config');
  try {
    return JSON.parse(element.textContent);
  } catch {
    return { layers: [], legend: [] };
  }
}

/**
 * Years with data, the default year and the extent in degrees: /api/years; while a server has no
 * JSON API, /health and the communes TileJSON say the same.
 */
export async function loadYears() {
  try {
    const answer = await getJSON('api/years');
    return { years: answer.years, defaultYear: answer.default, extent: answer.extent };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  const health = await getJSON('health');
  const tilejson = await getJSON('tiles/communes.json');
  return { years: health.years, defaultYear: health.default_year, extent: tilejson.bounds };
}

/** The legend: /api/legend, or the one the server wrote into the page. Always an array of styles. */
export async function loadLegend(config) {
  try {
    const answer = await getJSON('api/legend');
    const styles = Array.isArray(answer) ? answer : answer.styles ?? answer.legend;
    if (Array.isArray(styles) && styles.length) return styles;
  } catch {
    // the embedded copy below is the same definition
  }
  return config.legend ?? [];
}
