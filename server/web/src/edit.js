// The status form of the unit panel, for signed-in editors and admins (commune police, People's
// Committee staff without QGIS): a unit's yearly status with its decision and the scanned decision
// file, saved through PUT /api/units/{code}/status/{year} and .../decision (docs/api.md). Native
// form controls with labels: usable by keyboard and on a phone. The server checks everything again.
import { getJSON, send } from './api.js';
import { t } from './i18n.js';

const STATUSES = ['not_registered', 'registered', 'proposed', 'recognised', 'not_recognised', 'revoked'];
const NEEDS_DECISION = new Set(['recognised', 'revoked']);
const FILE_TYPES = { pdf: 'application/pdf', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
const MAX_FILE_BYTES = 10 * 1024 * 1024;

let fieldCounter = 0;

function labelled(labelText, control) {
  const id = `edit-field-${++fieldCounter}`;
  control.id = id;
  const label = document.createElement('label');
  label.htmlFor = id;
  label.textContent = labelText;
  const row = document.createElement('div');
  row.className = 'field';
  row.append(label, control);
  return row;
}

function input(name, type = 'text') {
  const control = document.createElement('input');
  control.name = name;
  control.type = type;
  return control;
}

/** The file's media type: the browser's, else from its extension (the server checks the content). */
function typeOf(file) {
  if (Object.values(FILE_TYPES).includes(file.type)) return file.type;
  return FILE_TYPES[(file.name.split('.').pop() || '').toLowerCase()] ?? '';
}

/**
 * The form for `unit` (the /api/units document) in `container`. `account` is the page's signed-in
 * account ({name, role, csrf}); `years` the years offered; `year` the one to open; `onSaved(year)` runs
 * after a save (the panel reloads the unit, the map its tiles); `notice` is shown once the form is filled.
 */
export function renderStatusForm(container, unit, { account, years, year, onSaved, notice }) {
  const path = (chosen) => `api/units/${encodeURIComponent(unit.code)}/status/${chosen}`;
  const form = document.createElement('form');
  form.className = 'status-form';
  form.noValidate = true;  // our messages, in the page's language
  const heading = document.createElement('h4');
  heading.textContent = `${t('edit_title')}: ${unit.name}`;

  const yearSelect = document.createElement('select');
  yearSelect.name = 'year';
  for (const value of years) {
    const option = document.createElement('option');
    option.value = String(value);
    option.textContent = String(value);
    yearSelect.append(option);
  }
  yearSelect.value = String(years.includes(year) ? year : years[years.length - 1]);
  const statusSelect = document.createElement('select');
  statusSelect.name = 'status';
  for (const key of STATUSES) {
    const option = document.createElement('option');
    option.value = key;
    option.textContent = t(`statuses.${key}`);
    statusSelect.append(option);
  }
  const decision = input('decision');
  const date = input('date', 'date');
  const authority = input('authority');
  const note = document.createElement('textarea');
  note.name = 'note';
  note.rows = 2;
  const file = input('file', 'file');
  file.accept = '.pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png';
  const attached = document.createElement('p');
  attached.className = 'attached hint';
  const save = document.createElement('button');
  save.type = 'submit';
  save.textContent = t('edit_save');
  const message = document.createElement('p');
  message.className = 'form-message';
  message.setAttribute('role', 'status');
  message.setAttribute('aria-live', 'polite');

  form.append(heading, labelled(t('edit_year'), yearSelect), labelled(t('status'), statusSelect),
    labelled(t('edit_decision'), decision), labelled(t('edit_date'), date), labelled(t('edit_authority'), authority),
    labelled(t('note'), note), labelled(t('edit_file'), file), attached, save, message);
  container.append(form);

  let etag = null;  // of the row the form shows: sent as If-Match, so nobody's edit is overwritten
  const say = (text, isError = false) => {
    message.textContent = text;
    message.className = `form-message${isError ? ' error' : ''}`;
  };
  const show = (row) => {
    statusSelect.value = row?.status ?? 'registered';
    decision.value = row?.decision ?? '';
    date.value = row?.date ?? '';
    authority.value = row?.authority ?? '';
    note.value = row?.note ?? '';
    file.value = '';
    attached.replaceChildren();
    const document_ = row?.decision_document;
    if (document_) {
      const link = document.createElement('a');
      link.href = document_.url.replace(/^\//, '');
      link.target = '_blank';
      link.rel = 'noopener';
      link.textContent = document_.file_name || t('edit_attached');
      attached.append(`${t('edit_attached')}: `, link);
    }
  };
  // While a row loads the controls are disabled: the row arriving must not overwrite what someone
  // (a fast hand, a slow network) already chose, and no save goes out with the previous row's ETag.
  const controls = [yearSelect, statusSelect, decision, date, authority, note, file, save];
  const load = async () => {
    form.setAttribute('aria-busy', 'true');
    for (const control of controls) control.disabled = true;
    try {
      const row = await getJSON(path(yearSelect.value));
      etag = row.etag;
      show(row);
    } catch (error) {
      etag = null;
      show(null);
      if (error.status !== 404) say(`${t('error')}: ${error.message}`, true);
    } finally {
      for (const control of controls) control.disabled = false;
      form.removeAttribute('aria-busy');
    }
  };
  yearSelect.addEventListener('change', () => {
    say('');
    load();
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const chosen = file.files[0];
    if (NEEDS_DECISION.has(statusSelect.value) && (!decision.value.trim() || !date.value || !authority.value.trim())) {
      say(t('edit_needs_decision'), true);
      (decision.value.trim() ? (date.value ? authority : date) : decision).focus();
      return;
    }
    if (chosen && chosen.size > MAX_FILE_BYTES) return say(t('edit_file_too_big'), true);
    if (chosen && !typeOf(chosen)) return say(t('edit_file_type'), true);
    save.disabled = true;
    say(t('edit_saving'));
    try {
      const row = {
        status: statusSelect.value, decision: decision.value.trim() || null, date: date.value || null,
        authority: authority.value.trim() || null, note: note.value.trim() || null,
      };
      const written = await send('PUT', path(yearSelect.value), { json: row, csrf: account.csrf, ifMatch: etag });
      if (written.status === 409) {
        etag = written.etag;
        show(written.body.current);
        return say(t('edit_conflict'), true);
      }
      etag = written.etag;
      if (chosen) {
        const blob = new File([chosen], chosen.name, { type: typeOf(chosen) });
        try {
          const uploaded = await send('PUT', `${path(yearSelect.value)}/decision`,
            { file: blob, csrf: account.csrf, ifMatch: etag });
          if (uploaded.status === 409) throw new Error(uploaded.body?.error ?? '409');
          show(uploaded.body);
        } catch (error) {
          show(written.body);
          return say(`${t('edit_file_failed')}: ${error.message}`, true);
        }
      } else {
        show(written.body);
      }
      say(t('edit_saved'));
      onSaved?.(Number(yearSelect.value));
    } catch (error) {
      say(`${t('error')}: ${error.message}`, true);
    } finally {
      save.disabled = false;
    }
  });
  load().then(() => {
    if (notice) say(notice);
  });
  return form;
}
