// Search by unit name (/api/search folds diacritics, tone placement and case on the server, so
// "hoa binh" finds "Hòa Bình" and "da bac" finds "Đà Bắc"). Typing lists results; a click or
// Enter picks one, and the caller zooms to it.
import { getJSON } from './api.js';
import { t } from './i18n.js';

export function setupSearch({ input, list, year, onPick }) {
  let controller = null;
  let timer = 0;
  let results = [];
  let active = -1;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    active = -1;
  };

  const highlight = (index) => {
    active = index;
    [...list.children].forEach((item, i) => item.setAttribute('aria-selected', String(i === index)));
    if (index >= 0 && list.children[index]) input.setAttribute('aria-activedescendant', list.children[index].id);
  };

  const pick = (index) => {
    const result = results[index];
    if (!result) return;
    input.value = result.name;
    close();
    onPick(result);
  };

  const show = (items, message) => {
    results = items;
    list.replaceChildren();
    if (message) {
      const item = document.createElement('li');
      item.className = 'empty';
      item.textContent = message;
      list.append(item);
    }
    items.forEach((result, index) => {
      const item = document.createElement('li');
      item.id = `search-result-${index}`;
      item.setAttribute('role', 'option');
      item.dataset.code = result.code;
      const name = document.createElement('strong');
      name.textContent = result.name;
      const where = document.createElement('small');
      const kind = t(`kinds.${result.kind}`);
      where.textContent = [kind.startsWith('kinds.') ? result.kind : kind, result.parent_name].filter(Boolean).join(' · ');
      item.append(name, where);
      item.addEventListener('mousedown', (event) => event.preventDefault());  // keep focus in the box
      item.addEventListener('click', () => pick(index));
      list.append(item);
    });
    list.hidden = false;
    input.setAttribute('aria-expanded', 'true');
    highlight(items.length ? 0 : -1);
  };

  const run = async () => {
    const query = input.value.trim();
    if (controller) controller.abort();
    if (query.length < 2) {
      close();
      return;
    }
    controller = new AbortController();
    try {
      const answer = await getJSON(`api/search?q=${encodeURIComponent(query.normalize('NFC'))}&limit=10&year=${year()}`,
        { signal: controller.signal });
      show(answer.results ?? [], (answer.results ?? []).length ? null : t('search_none'));
    } catch (error) {
      if (error.name !== 'AbortError') show([], `${t('search_failed')}: ${error.message}`);
    }
  };

  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'ArrowDown' && results.length) {
      event.preventDefault();
      highlight(Math.min(results.length - 1, active + 1));
    } else if (event.key === 'ArrowUp' && results.length) {
      event.preventDefault();
      highlight(Math.max(0, active - 1));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      if (!list.hidden && active >= 0) pick(active);
      else {
        clearTimeout(timer);
        run();
      }
    } else if (event.key === 'Escape') {
      close();
    }
  });
  input.addEventListener('blur', () => setTimeout(close, 150));
}
