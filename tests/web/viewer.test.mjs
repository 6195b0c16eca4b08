// The web viewer (`/`) and `/embed` in real Chromium against a real `anttmap serve` on a fresh
// sample store. Every page also fails the test on a request to another host, a console error or an
// uncaught exception. Screenshots are compared with tests/web/references/ (regenerate on purpose
// with tests/web/update-references.sh).
//   ANTTMAP=build/server/anttmap ANTT_WEB_NODE_MODULES=build/server/web/node_modules node --test tests/web
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { spawnSync } from 'node:child_process';
import {
  Server, chromiumPath, colourCounts, hexToRgb, openPage, pixelDiff, playwright, request, waitForMap,
} from './support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const references = join(here, 'references');
const updating = process.env.UPDATE_REFERENCES === '1';
const artefacts = process.env.ANTT_WEB_ARTEFACTS ?? join(process.cwd(), 'web-test-output');

// Colours of the style definition (styles/anttmap-styles.json), as a user sees them on the map.
const status = {
  recognised: '#08519c', proposed: '#4292c6', registered: '#c6dbef', not_recognised: '#f1a340',
  not_registered: '#f7f7f7', revoked: '#f4a6a6', no_data: '#e0e0e0',
};
const share = { below_70: '#fdd0a2', above_70: '#6baed6', above_90: '#08519c' };
const rgb = (table) => Object.fromEntries(Object.entries(table).map(([name, hex]) => [name, hexToRgb(hex)]));

let server;
let browser;
let analysis;  // a blank page that decodes and compares PNGs
let years;

async function checkClean(problems) {
  assert.deepEqual(problems.offsite, [], 'requests left 127.0.0.1');
  assert.deepEqual(problems.exceptions, [], 'uncaught exceptions');
  assert.deepEqual(problems.console, [], 'console errors');
}

/** Opens `path`, waits for the map of `year`, runs `body`, then checks the page stayed clean. */
async function withPage(path, year, body, options = {}) {
  const { context, page, problems } = await openPage(browser, server, options);
  try {
    const response = await page.goto(server.url + path);
    assert.equal(response.status(), 200, `GET ${path}`);
    await waitForMap(page, year);
    await body(page, problems);
    await checkClean(problems);
  } finally {
    await context.close();
  }
}

async function compareWithReference(name, png) {
  const file = join(references, `${name}.png`);
  if (updating) {
    mkdirSync(references, { recursive: true });
    writeFileSync(file, png);
    return;
  }
  assert.ok(existsSync(file), `no reference ${file}; run tests/web/update-references.sh`);
  const result = await pixelDiff(analysis, png, readFileSync(file));
  if (result.share > 0.02) {
    mkdirSync(artefacts, { recursive: true });
    writeFileSync(join(artefacts, `${name}.actual.png`), png);
    if (result.diff) writeFileSync(join(artefacts, `${name}.diff.png`), Buffer.from(result.diff, 'base64'));
  }
  assert.ok(result.share <= 0.02,
    `${name}: ${(result.share * 100).toFixed(2)} % of pixels differ from the reference (limit 2 %); see ${artefacts}`);
}

async function mapShot(page) {
  return page.locator('#map').screenshot({ animations: 'disabled', caret: 'hide' });
}

async function setYear(page, year) {
  await page.locator('#year').evaluate((slider, value) => {
    slider.value = String(value);
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  }, year);
  await waitForMap(page, year);
}

before(async () => {
  server = await Server.start();
  const { chromium } = playwright();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--font-render-hinting=none', '--disable-lcd-text'] });
  analysis = await (await browser.newContext()).newPage();
  years = await server.json('/api/years');
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the viewer at /', () => {
  it('draws the province from the server\'s own tiles in the status colours', async () => {
    await withPage('/', years.default, async (page) => {
      const png = await mapShot(page);
      const { total, counts } = await colourCounts(analysis, png, rgb(status));
      const coloured = Object.values(counts).reduce((a, b) => a + b, 0);
      assert.ok(coloured > total * 0.08, `only ${coloured} of ${total} pixels in status colours: ${JSON.stringify(counts)}`);
      const classes = Object.values(counts).filter((n) => n > total * 0.002).length;
      assert.ok(classes >= 2, `fewer than two statuses visible: ${JSON.stringify(counts)}`);
      await compareWithReference('viewer-default', await page.screenshot({ animations: 'disabled', caret: 'hide' }));
    }, { key: server.viewerKey });
  });

  it('shows the public no internal layer, and leadership every layer', async () => {
    await withPage('/', years.default, async (page) => {
      for (const layer of ['hotspots', 'clusters', 'models']) {
        assert.equal(await page.locator(`#layer-list input[value="${layer}"]`).count(), 0, layer);
      }
      const internal = await page.evaluate(() => performance.getEntriesByType('resource')
        .map((entry) => entry.name).filter((name) => /\/tiles\/(hotspots|clusters|models)\//.test(name)));
      assert.deepEqual(internal, []);
    });
    await withPage('/', years.default, async (page) => {
      for (const layer of ['hotspots', 'clusters', 'models']) {
        assert.equal(await page.locator(`#layer-list input[value="${layer}"]`).count(), 1, layer);
      }
    }, { key: server.viewerKey });
  });

  it('moves through the years with the slider and redraws in that year\'s colours', async () => {
    await withPage('/', years.default, async (page) => {
      assert.equal(await page.locator('#year').getAttribute('min'), String(years.years[0]));
      assert.equal(await page.locator('#year').getAttribute('max'), String(years.years[years.years.length - 1]));
      const latest = await colourCounts(analysis, await mapShot(page), rgb(status));
      const first = years.years[0];
      await setYear(page, first);
      assert.equal(await page.locator('#year-value').textContent(), String(first));
      assert.equal(new URL(page.url()).hash, `#year=${first}`);
      const tiles = await page.evaluate(() => performance.getEntriesByType('resource')
        .map((entry) => entry.name).filter((name) => name.includes('/tiles/communes/')));
      assert.ok(tiles.some((name) => name.endsWith(`year=${first}`)), 'no communes tile of the first year was requested');
      const earliest = await colourCounts(analysis, await mapShot(page), rgb(status));
      assert.ok(latest.counts.recognised > earliest.counts.recognised * 1.2,
        `recognised area ${years.default}: ${latest.counts.recognised} px, ${first}: ${earliest.counts.recognised} px`);
      await compareWithReference(`viewer-${first}`, await mapShot(page));
    });
  });

  it('shows a commune\'s status history with decision numbers when it is clicked', async () => {
    await withPage('/', years.default, async (page) => {
      // A commune recognised in the default year, with a decision: click inside it.
      const found = await server.json(`/api/search?q=${encodeURIComponent('xa')}&limit=50&year=${years.default}`);
      let unit = null;
      for (const result of found.results.filter((r) => r.kind === 'commune')) {
        const candidate = await server.json(`/api/units/${encodeURIComponent(result.code)}`);
        if (candidate.statuses.some((s) => s.decision)) {
          unit = { ...candidate, center: result.center };
          break;
        }
      }
      assert.ok(unit, 'the sample has no commune with a decision number');
      await page.evaluate(([lon, lat]) => {
        const { map } = window.anttmap;
        map.fitLonLat([lon - 0.02, lat - 0.02, lon + 0.02, lat + 0.02], 12);
      }, unit.center);
      await waitForMap(page, years.default);
      const pixel = await page.evaluate(([lon, lat]) => {
        const { map } = window.anttmap;
        const [x, y] = map.map.getPixelFromCoordinate(
          [lon * 20037508.342789244 / 180, Math.log(Math.tan((90 + lat) * Math.PI / 360)) * 6378137]);
        const box = document.getElementById('map').getBoundingClientRect();
        return [box.left + x, box.top + y];
      }, unit.center);
      await page.mouse.click(pixel[0], pixel[1]);
      await page.waitForSelector(`#unit[data-code] .history`, { timeout: 30000 });
      const code = await page.locator('#unit').getAttribute('data-code');
      const shown = await server.json(`/api/units/${encodeURIComponent(code)}`);
      assert.equal(await page.locator('#unit .unit-name').textContent(), shown.name);
      const decisions = await page.locator('#unit .history .decision').allTextContents();
      const expected = shown.statuses.map((s) => s.decision || '–');
      assert.deepEqual(decisions, expected);
      assert.ok(decisions.some((d) => /\d/.test(d)), `no decision number shown: ${decisions}`);
      await page.locator('#unit .history tr[data-year]').first().waitFor();
    });
  });

  // In 2020 (before the 2025 reform, the districts and the old names), and today (Phú Thọ's communes).
  for (const [query, expected, year] of [['hoa binh', 'Thành phố Hòa Bình', 2020], ['da bac', 'Huyện Đà Bắc', 2020],
    ['DA   BAC', 'Thị trấn Đà Bắc', 2020], ['da bac', 'Xã Đà Bắc', null], ['hoa binh', 'Phường Hoà Bình', null]]) {
    it(`finds "${expected}" when "${query}" is typed in ${year ?? 'the default year'} and zooms to it`, async () => {
      const shown = year ?? years.default;
      await withPage(year ? `/#year=${year}` : '/', shown, async (page) => {
        const before = await page.evaluate(() => window.anttmap.map.map.getView().getZoom());
        await page.locator('#search').fill(query);
        const first = page.locator('#search-results li[role="option"]').first();
        await first.waitFor({ timeout: 15000 });
        const names = await page.locator('#search-results li[role="option"] strong').allTextContents();
        assert.ok(names.some((name) => name.normalize('NFC').includes(expected)), `results for "${query}": ${names}`);
        const index = names.findIndex((name) => name.includes(expected));
        await page.locator('#search-results li[role="option"]').nth(index).click();
        await page.waitForSelector('#unit[data-code] .unit-name', { timeout: 15000 });
        assert.ok((await page.locator('#unit .unit-name').textContent()).includes(expected));
        await waitForMap(page, shown);
        const after = await page.evaluate(() => window.anttmap.map.map.getView().getZoom());
        assert.ok(after > before, `zoom ${before} -> ${after}`);
      });
    });
  }

  it('opens on this year and shows what a commune was made from, each predecessor a click away', async () => {
    assert.equal(years.default, new Date().getFullYear());
    await withPage('/', years.default, async (page) => {
      // The sample's figures are invented, and the map says so (as /api answers and report pages do).
      assert.equal(await page.locator('#map .synthetic-mark[role="note"]').textContent(), 'DỮ LIỆU GIẢ LẬP / SAMPLE DATA');
      await page.locator('#search').fill('phuong hoa binh');
      await page.locator('#search-results li[role="option"]').first().waitFor({ timeout: 15000 });
      await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      const madeFrom = page.locator('#unit .lineage[data-direction="lineage_before"]');
      await madeFrom.waitFor({ timeout: 15000 });
      assert.equal(await madeFrom.locator('h4').textContent(), 'Hình thành từ');
      const codes = await madeFrom.locator('button[data-code]').evaluateAll((buttons) => buttons.map((b) => b.dataset.code));
      for (const code of ['04798', '04801', '04804']) assert.ok(codes.includes(code), `made from: ${codes}`);
      // The milestones' recognition on its ground, as /api/history re-expresses them on this year's communes.
      const history = await server.json(`/api/history?on_units_of=${years.default}-12-31&years=2015,2020`);
      const figures = history.units.find((unit) => unit.code === '04795').years;
      const milestones = page.locator('#unit .milestones');
      await milestones.waitFor({ timeout: 15000 });
      assert.equal(await milestones.locator('h4').textContent(), 'Kết quả trước đây trên địa bàn này');
      for (const year of ['2015', '2020']) {
        const { area_share: share, villages, villages_recognised: recognised } = figures[year];
        assert.ok(share != null && villages > 0, `figures of ${year}: ${JSON.stringify(figures[year])}`);
        assert.equal(await milestones.locator(`li[data-year="${year}"]`).textContent(),
          `${year}: ${String(share).replace('.', ',')} % diện tích đạt chuẩn ANTT; ${recognised}/${villages} khu dân cư đạt chuẩn`);
      }
      await madeFrom.locator('button[data-code="04798"]').click();
      await page.waitForSelector('#unit[data-code="04798"] .unit-name', { timeout: 15000 });
      assert.ok((await page.locator('#unit .unit-name').textContent()).includes('Hữu Nghị'));
      const became = page.locator('#unit .lineage[data-direction="lineage_after"] button[data-code="04795"]');
      assert.equal(await became.count(), 1);
    });
  });

  it('switches to English and remembers it', async () => {
    const { context, page, problems } = await openPage(browser, server);
    try {
      await page.goto(`${server.url}/`);
      await waitForMap(page, years.default);
      assert.equal(await page.locator('html').getAttribute('lang'), 'vi');
      assert.equal(await page.locator('#panel-legend summary').textContent(), 'Chú giải');
      await page.locator('#lang').click();
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('#panel-legend summary').textContent(), 'Legend');
      const legend = await page.locator('#legend').textContent();
      assert.ok(legend.includes('Recognised safe'), legend);
      await page.reload();
      await waitForMap(page, years.default);
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.equal(await page.locator('#panel-layers summary').textContent(), 'Map layers');
      await page.locator('#lang').click();
      assert.equal(await page.locator('#panel-layers summary').textContent(), 'Lớp bản đồ');
      await checkClean(problems);
    } finally {
      await context.close();
    }
  });

  it('switches layers and their legend', async () => {
    // 2020: districts were abolished on 2025-07-01, so today's map has none to colour.
    await withPage('/#year=2020', 2020, async (page) => {
      assert.equal(await page.locator('#legend [data-layer="districts"]').count(), 0);
      await page.locator('#layer-list input[value="communes"]').uncheck();
      await page.locator('#layer-list input[value="districts"]').check();
      await waitForMap(page, 2020);
      assert.equal(await page.locator('#legend [data-layer="districts"]').count(), 1);
      const { total, counts } = await colourCounts(analysis, await mapShot(page), rgb(share));
      const coloured = Object.values(counts).reduce((a, b) => a + b, 0);
      assert.ok(coloured > total * 0.08, `district share colours: ${JSON.stringify(counts)} of ${total}`);
    });
  });

  it('charts progress against the 70 % and 90 % targets and lists the districts furthest from them', async () => {
    await withPage('/', years.default, async (page) => {
      const progress = await server.json('/api/progress');
      await page.waitForSelector('#progress-chart svg .series.province polyline');
      assert.equal(await page.locator('#progress-chart .target').count(), progress.targets.length);
      const points = await page.locator('#progress-chart .series.province circle').count();
      assert.equal(points, progress.province.series.filter((p) => p.share != null && p.total > 0).length);
      const rows = await page.locator('#progress-table tbody tr').count();
      assert.ok(rows >= 1 && rows <= 5, `${rows} rows`);
      const options = await page.locator('#progress-district option').count();
      assert.equal(options, progress.districts.length);
      // The table follows the slider: in 2015 the 70 % target applies.
      await setYear(page, 2015);
      assert.ok((await page.locator('#progress-table caption').textContent()).includes('2015'));
      const gaps = progress.districts.map((district) => {
        const point = district.series.find((p) => p.year === 2015);
        return { name: district.name, gap: point && point.total > 0 ? 70 - point.share : -Infinity };
      }).sort((a, b) => b.gap - a.gap);
      assert.equal(await page.locator('#progress-table tbody tr td button').first().textContent(), gaps[0].name);
    });
  });

  it('lists the province\'s other indicators of the year: shares for everyone, the plan\'s sums for leadership', async () => {
    // Mường Chiềng (Đà Bắc) reports its propaganda sessions and budget for 2020.
    const recorded = spawnSync(process.env.ANTTMAP, ['--db', server.store, '--quiet', 'record', 'set', '04846',
      '--year', '2020', 'propaganda_sessions=12', 'budget_spent_vnd=1.500.000', 'movement_grade=khá'], { encoding: 'utf8' });
    assert.equal(recorded.status, 0, recorded.stderr);
    const deadline = Date.now() + 15000;  // the server's answers follow the store's change feed
    for (;;) {
      const answer = await request(`${server.url}/api/stats?year=2020`, { headers: { Authorization: `Bearer ${server.viewerKey}` } });
      if (JSON.parse(answer.body.toString('utf8')).province.totals.propaganda_sessions === 12) break;
      assert.ok(Date.now() < deadline, 'the server did not see the recorded values');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const rowText = (page, id) => page.locator(`#progress-indicators tr[data-indicator="${id}"]`).innerText();
    await withPage('/#year=2020', 2020, async (page) => {
      await page.waitForSelector('#progress-indicators tr[data-indicator="propaganda_sessions"]');
      assert.ok((await page.locator('#progress-indicators caption').textContent()).includes('2020'));
      assert.match(await rowText(page, 'propaganda_sessions'), /Số buổi tuyên truyền[\s\S]*\b12\b/);
      assert.match(await rowText(page, 'budget_spent_vnd'), /1\.500\.000 đ/);
      assert.match(await rowText(page, 'movement_grade'), /khá: 1/);
      assert.match(await rowText(page, 'festival_held'), /[\d.]+\/[\d.]+ \([\d,]+ %\)/);
    }, { key: server.viewerKey });
    // The public sees the shares, not the plan's internal figures.
    await withPage('/#year=2020', 2020, async (page) => {
      await page.waitForSelector('#progress-indicators tr[data-indicator="festival_held"]');
      assert.equal(await page.locator('#progress-indicators tr[data-indicator="propaganda_sessions"]').count(), 0);
      assert.equal(await page.locator('#progress-indicators tr[data-indicator="budget_spent_vnd"]').count(), 0);
    });
  });

  it('prints the map with its legend only', async () => {
    await withPage('/', years.default, async (page) => {
      await page.emulateMedia({ media: 'print' });
      assert.equal(await page.locator('#panel-legend').isVisible(), true);
      for (const hidden of ['#panel-layers', '#panel-progress', '#search', '#lang', '.ol-zoom']) {
        assert.equal(await page.locator(hidden).isVisible(), false, `${hidden} printed`);
      }
      assert.ok((await page.locator('#map').boundingBox()).width > 300);
    });
  });

  it('fits a phone: panels collapse into a drawer', async () => {
    await withPage('/', years.default, async (page) => {
      const sidebar = page.locator('#sidebar');
      const hiddenBox = await sidebar.boundingBox();
      assert.ok(hiddenBox.y >= 844 - 1, `drawer open at start: ${JSON.stringify(hiddenBox)}`);
      await page.locator('#panels').click();
      await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().top < 844);
      assert.equal(await page.locator('#panel-legend').getAttribute('open'), null);
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(width <= 390, `page wider than the phone: ${width}`);
      // Closed again, a search result opens the drawer on the unit's history.
      await page.locator('#panels').click();
      await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().top >= 843);
      await page.locator('#search').fill('da bac');
      await page.locator('#search-results li[role="option"]').first().click();
      await page.waitForSelector('#unit[data-code] .unit-name');
      await page.waitForFunction(() => document.getElementById('sidebar').getBoundingClientRect().top < 844);
    }, { viewport: { width: 390, height: 844 } });
  });
});

describe('/embed', () => {
  it('draws only the requested layers, year and area with a small legend', async () => {
    const year = 2015;
    const bbox = years.extent.map((v) => v.toFixed(3)).join(',');
    await withPage(`/embed?layers=districts&year=${year}&bbox=${bbox}`, year, async (page) => {
      assert.ok(await page.locator('#map .synthetic-mark').isVisible(), 'an embedded sample map says it is invented');
      assert.equal(await page.locator('.bar').count(), 0);
      assert.equal(await page.locator('#legend [data-layer="districts"]').count(), 1);
      assert.equal(await page.locator('#legend [data-layer="communes"]').count(), 0);
      const png = await mapShot(page);
      const { total, counts } = await colourCounts(analysis, png, rgb(share));
      const coloured = Object.values(counts).reduce((a, b) => a + b, 0);
      assert.ok(coloured > total * 0.06, `district share colours: ${JSON.stringify(counts)} of ${total}`);
      assert.ok(counts.below_70 > 0 && counts.above_70 > 0, `2015 has districts below and above 70 %: ${JSON.stringify(counts)}`);
      await compareWithReference('embed-districts-2015', await page.screenshot({ animations: 'disabled' }));
    });
  });

  it('speaks English when asked', async () => {
    await withPage('/embed?layers=communes&lang=en', years.default, async (page) => {
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.ok((await page.locator('#legend').textContent()).includes('Recognised safe'));
    });
  });

  for (const [query, reason] of [
    ['layers=roads', 'unknown layer'],
    ['layers=', 'layers is empty'],
    ['layers=communes,communes', 'listed twice'],
    ['year=20x5', 'year must be YYYY'],
    ['year=1990', 'no data for year 1990'],
    ['bbox=1,2,3', 'bbox must be four numbers'],
    ['bbox=105.9,20.3,105.0,21.1', 'min < max'],
    ['bbox=11700000,2300000,11800000,2400000', 'outside longitude'],
    ['bbox=nan,1,2,3', 'bbox must be four numbers'],
    ['lang=fr', 'lang must be vi or en'],
    ['zoom=9', "unknown parameter 'zoom'"],
    ['year=2015&year=2016', 'given twice'],
  ]) {
    it(`refuses ${query} with 400 and the reason`, async () => {
      const { context, page, problems } = await openPage(browser, server);
      try {
        const response = await page.goto(`${server.url}/embed?${query}`);
        assert.equal(response.status(), 400);
        assert.match(response.headers()['content-type'], /^text\/html/);
        const text = await page.locator('#reason').textContent();
        assert.ok(text.includes(reason), `reason: ${text}`);
        assert.ok(/[ạảãàáâậầấẩẫăắằặẳẵđêếềệểễôốồộổỗơớờợởỡưứừựửữ]/i.test(text), `no Vietnamese in: ${text}`);
        // The browser logs the 400 of the page itself; nothing else may go wrong.
        problems.console = problems.console.filter((line) => !line.includes('400'));
        await checkClean(problems);
      } finally {
        await context.close();
      }
    });
  }
});

describe('the guards themselves', () => {
  it('catch a request to another host and a console error', async () => {
    const { context, page, problems } = await openPage(browser, server);
    try {
      await page.goto(`${server.url}/health`);  // a page without the viewer's Content-Security-Policy
      await page.evaluate(() => fetch('http://tiles.example.org/0/0/0.png').catch(() => null));
      await page.evaluate(() => console.error('deliberate'));
      assert.deepEqual(problems.offsite, ['http://tiles.example.org/0/0/0.png']);
      assert.ok(problems.console.some((line) => line.includes('deliberate')));
    } finally {
      await context.close();
    }
  });

  it('the viewer\'s Content-Security-Policy stops other hosts in the browser already', async () => {
    const { context, page, problems } = await openPage(browser, server);
    try {
      await page.goto(`${server.url}/`);
      await waitForMap(page, years.default);
      await page.evaluate(() => fetch('http://tiles.example.org/0/0/0.png').catch(() => null));
      assert.deepEqual(problems.offsite, []);
      assert.ok(problems.console.some((line) => line.includes('Content Security Policy')), problems.console.join('\n'));
    } finally {
      await context.close();
    }
  });
});

describe('assets', () => {
  it('serves the bundle with its type, ETag, gzip and a year of cache for hashed names', async () => {
    const page = await request(`${server.url}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(page.headers['cache-control'], 'no-cache');
    assert.match(page.headers['content-security-policy'], /default-src 'self'/);
    const html = page.body.toString('utf8');
    assert.ok(html.includes('"name":"communes"'), 'no layer registry in the page');
    const scripts = [...html.matchAll(/(?:src|href)="(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
    assert.ok(scripts.some((s) => s.endsWith('.js')) && scripts.some((s) => s.endsWith('.css')), scripts.join(' '));
    for (const asset of scripts) {
      const plain = await request(`${server.url}/${asset}`);
      assert.equal(plain.status, 200, asset);
      assert.match(plain.headers['content-type'], asset.endsWith('.js') ? /^application\/javascript/ : /^text\/css/);
      assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
      assert.ok(plain.headers.etag);
      const zipped = await request(`${server.url}/${asset}`, { headers: { 'Accept-Encoding': 'gzip' } });
      if (plain.body.length > 1024) {
        assert.equal(zipped.headers['content-encoding'], 'gzip', asset);
        assert.ok(gunzipSync(zipped.body).equals(plain.body), `${asset}: gzip body differs`);
        assert.notEqual(zipped.headers.etag, plain.headers.etag);
      }
      const again = await request(`${server.url}/${asset}`, { headers: { 'If-None-Match': plain.headers.etag } });
      assert.equal(again.status, 304, asset);
    }
    const missing = await request(`${server.url}/assets/nothing-here.js`);
    assert.equal(missing.status, 404);
    const licences = await request(`${server.url}/assets/LICENSES.txt`);
    assert.ok(licences.body.toString().includes('== ol '), 'OpenLayers licence not served');
  });
});
