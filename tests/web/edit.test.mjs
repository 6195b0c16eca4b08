// The status form of the web viewer in real Chromium against a real `anttmap serve`: a commune's police
// officer signs in, finds the commune by keyboard, sets its status with the scanned decision (a PDF); the
// status shows in the unit's history and on the map; the decision is served to leadership but not to a
// partner portal nor to the public. On a phone the form fits the screen.
//   ANTTMAP=build/server/anttmap ANTT_WEB_NODE_MODULES=build/server/web/node_modules node --test tests/web/edit.test.mjs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Server, chromiumPath, colourCounts, hexToRgb, openPage, playwright, request, waitForMap } from './support.mjs';

const COMMUNE = '04831';  // Thị trấn Đà Bắc
const PASSWORD = 'mật khẩu thử nghiệm ỹ ữ';
const REVOKED = '#f4a6a6';  // styles/anttmap-styles.json, unit_status revoked
const PDF = Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% Quyết định thu hồi — ỹ ữ ẵ ộ\n${'x'.repeat(20000)}\n%%EOF\n`);

let server;
let browser;
let analysis;
let partnerKey;
let year;

function anttmap(args, input) {
  const run = spawnSync(process.env.ANTTMAP, ['--db', server.store, ...args], { encoding: 'utf8', input });
  if (run.status !== 0) throw new Error(`anttmap ${args.join(' ')}: ${run.stderr}`);
  return run.stdout;
}

before(async () => {
  server = await Server.start();
  anttmap(['user', 'add', 'cong.an.da.bac', '--role', 'editor', '--scope', COMMUNE, '--password-stdin'], `${PASSWORD}\n`);
  partnerKey = JSON.parse(anttmap(['--json', 'key', 'add', 'cong-thong-tin', '--role', 'partner'])).key;
  const { chromium } = playwright();
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  analysis = await (await browser.newContext()).newPage();
  year = (await server.json('/api/years')).default;
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** Signs in on /login and opens the commune's panel through the search box, by keyboard only. */
async function signInAndFind(page) {
  await page.goto(`${server.url}/login`);
  await page.locator('#name').fill('cong.an.da.bac');
  await page.locator('#password').fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${server.url}/**`);
  await waitForMap(page, year);
  await page.locator('#search').fill('xa da bac');  // Thị trấn Đà Bắc until 2025, Xã Đà Bắc since
  await page.locator('#search-results li[role="option"]').first().waitFor();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.locator('.status-form').waitFor();
}

/** The map's pixels around the unit's centre, as a PNG. */
async function shotAround(page, lonLat) {
  const point = await page.evaluate(([lon, lat]) => {
    const x = (lon * 20037508.34) / 180;
    const y = (Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) / (Math.PI / 180)) * (20037508.34 / 180);
    const pixel = window.anttmap.map.map.getPixelFromCoordinate([x, y]);
    const box = document.getElementById('map').getBoundingClientRect();
    return { x: box.left + pixel[0], y: box.top + pixel[1] };
  }, lonLat);
  return page.screenshot({ clip: { x: point.x - 6, y: point.y - 6, width: 12, height: 12 } });
}

describe('the status form', () => {
  it('sets a status with its decision file; the map shows it; a partner cannot fetch the file', async () => {
    const unit = await server.json(`/api/units/${COMMUNE}?year=${year}`);
    const { context, page, problems } = await openPage(browser, server, { viewport: { width: 1200, height: 800 } });
    // A slow network: the form's row arrives late. What is chosen meanwhile must not be overwritten by it
    // (the form waits, disabled, for its row; a checker's slower machine once lost the race).
    await context.route(/\/api\/units\/[^/]+\/status\/\d+$/, async (route) => {
      if (route.request().method() === 'GET') await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    try {
      await signInAndFind(page);
      const form = page.locator('.status-form');
      assert.match(await form.locator('h4').textContent(), /Xã Đà Bắc/);
      // Labelled controls: found by their Vietnamese labels, filled by keyboard.
      await page.getByLabel('Năm', { exact: true }).last().selectOption(String(year));
      await page.getByLabel('Trạng thái', { exact: true }).selectOption('revoked');
      await page.getByLabel('Số quyết định').fill('');
      await page.getByRole('button', { name: 'Lưu' }).click();
      await form.locator('.form-message.error').waitFor();  // revoked needs the decision: nothing sent
      assert.match(await form.locator('.form-message').textContent(), /cần số, ngày quyết định/);

      await page.getByLabel('Số quyết định').fill('99/QĐ-UBND');
      await page.getByLabel('Ngày quyết định').fill(`${year}-12-30`);
      await page.getByLabel('Cơ quan ban hành').fill('UBND huyện Đà Bắc');
      await page.getByLabel('Ghi chú').fill('Thu hồi công nhận — thử nghiệm ỹ ữ ẵ ộ');
      await page.getByLabel(/Bản chụp quyết định/).setInputFiles({ name: 'Quyết định 99.pdf', mimeType: 'application/pdf', buffer: PDF });
      await page.getByLabel('Ghi chú').press('Tab');
      await page.keyboard.press('Tab');
      await page.keyboard.press('Enter');  // the Save button, reached by keyboard
      await page.locator('.status-form .form-message:not(.error)', { hasText: 'Đã lưu.' }).waitFor({ timeout: 15000 });

      // The unit's history and the stored row.
      await page.locator('#unit .history td.decision', { hasText: '99/QĐ-UBND' }).first().waitFor();
      const stored = JSON.parse(anttmap(['--json', 'unit', 'show', COMMUNE, '--year', String(year)]));
      assert.equal(stored.status.status, 'revoked');
      assert.equal(stored.status.recorded_by, 'cong.an.da.bac');
      const audit = JSON.parse(anttmap(['--json', 'audit', '--table', 'unit_status', '--limit', '1'])).entries[0];
      assert.equal(audit.user, 'cong.an.da.bac');
      assert.equal(audit.tool, 'web');
      assert.match(await page.locator('.status-form .attached a').textContent(), /Quyết định 99\.pdf/);

      // The map: the commune is drawn in the revoked colour once the tiles are drawn again (close up, with
      // the layers drawn over communes and the selection marker out of the way).
      await page.evaluate(([lon, lat]) => {
        const { map } = window.anttmap;
        for (const name of ['villages', 'units', 'models', 'hotspots', 'clusters']) map.setVisible(name, false);
        map.mark(null, null);
        const x = (lon * 20037508.34) / 180;
        const y = (Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) / (Math.PI / 180)) * (20037508.34 / 180);
        map.map.getView().setCenter([x, y]);
        map.map.getView().setZoom(13);
      }, unit.center);
      await page.waitForTimeout(300);
      await waitForMap(page, year);
      const { total, counts } = await colourCounts(analysis, await shotAround(page, unit.center), { revoked: hexToRgb(REVOKED) });
      assert.ok(counts.revoked > total / 2, `the commune is not drawn revoked: ${JSON.stringify(counts)} of ${total}`);

      // The decision: leadership (a viewer key) gets the very file; a partner and the public do not.
      const url = `${server.url}/api/units/${COMMUNE}/status/${year}/decision`;
      const leadership = await request(url, { headers: { Authorization: `Bearer ${server.viewerKey}` } });
      assert.equal(leadership.status, 200);
      assert.equal(leadership.headers['content-type'], 'application/pdf');
      assert.ok(leadership.body.equals(PDF));
      assert.equal((await request(url, { headers: { Authorization: `Bearer ${partnerKey}` } })).status, 403);
      assert.equal((await request(url)).status, 401);
      const partnerRow = JSON.parse((await request(`${server.url}/api/units/${COMMUNE}/status/${year}`,
        { headers: { Authorization: `Bearer ${partnerKey}` } })).body);
      assert.equal(partnerRow.decision_document, undefined);
      assert.deepEqual(problems.offsite, []);
      assert.deepEqual(problems.exceptions, []);
      assert.deepEqual(problems.console, []);
    } finally {
      await context.close();
    }
  });

  it('refuses a file that is not a PDF or an image, and fits a phone screen', async () => {
    const { context, page, problems } = await openPage(browser, server, { viewport: { width: 390, height: 844 } });
    try {
      await signInAndFind(page);
      const form = page.locator('.status-form');
      const box = await form.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 390, `the form leaves the screen: ${JSON.stringify(box)}`);
      const button = await page.getByRole('button', { name: 'Lưu' }).boundingBox();
      assert.ok(button.height >= 36, `the Save button is ${button.height} px tall`);
      const before = JSON.parse(anttmap(['--json', 'audit', '--limit', '1'])).entries[0].id;
      await page.getByLabel('Trạng thái', { exact: true }).selectOption('registered');
      await page.getByLabel(/Bản chụp quyết định/).setInputFiles({ name: 'virus.exe', mimeType: 'application/x-msdownload',
        buffer: Buffer.from('MZ\x90\x00') });
      await page.getByRole('button', { name: 'Lưu' }).click();
      await form.locator('.form-message.error', { hasText: 'PDF, JPEG hoặc PNG' }).waitFor();
      assert.equal(JSON.parse(anttmap(['--json', 'audit', '--limit', '1'])).entries[0].id, before);
      assert.deepEqual(problems.exceptions, []);
      assert.deepEqual(problems.console, []);
    } finally {
      await context.close();
    }
  });
});
