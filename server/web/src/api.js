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

/**
 * A write of the signed-in editor: JSON (or a file) with the session's CSRF token, the client's name
 * for the audit and, when given, the ETag of the row it changes. Answers {status, body, etag}; a
 * 409 is an answer (the row changed meanwhile), other failures throw ApiError.
 */
export async function send(method, url, { json, file, csrf, ifMatch } = {}) {
  const headers = { Accept: 'application/json', 'X-Anttmap-Client': 'web' };
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (ifMatch) headers['If-Match'] = ifMatch;
  let body;
  if (file) {
    headers['Content-Type'] = file.type;
    headers['X-File-Name'] = encodeURIComponent(file.name);
    body = file;
  } else {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(json);
  }
  const response = await fetch(url, { method, headers, body });
  let answer = null;
  try {
    answer = await response.json();
  } catch {
    answer = null;
  }
  if (!response.ok && response.status !== 409) {
    throw new ApiError(response.status, (answer && answer.error) || `${response.status} ${response.statusText}`);
  }
  return { status: response.status, body: answer, etag: response.headers.get('ETag') };
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
    return { years: answer.years, defaultYear: answer.default, extent: answer.extent, synthetic: answer.synthetic === true };
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
  }
  const health = await getJSON('health');
  const tilejson = await getJSON('tiles/communes.json');
  return { years: health.years, defaultYear: health.default_year, extent: tilejson.bounds, synthetic: false };
}

/**
 * Invented data (the sample store, "synthetic": true in /api answers) says so over the map, in the
 * words the reports print, so a screenshot of it never passes for real figures.
 */
export function markSyntheticData(mapElement) {
  const mark = document.createElement('div');
  mark.className = 'synthetic-mark';
  mark.setAttribute('role', 'note');
  mark.textContent = 'DỮ LIỆU GIẢ LẬP / SAMPLE DATA';
  mapElement.append(mark);
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
