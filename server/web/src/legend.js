// The legend of the visible layers, drawn from the style definition (/api/legend: fills, strokes,
// hatch patterns and point symbols) as small SVG swatches, in the current language.
import { pick, t } from './i18n.js';

const svgNS = 'http://www.w3.org/2000/svg';
let patternCount = 0;

function svg(tag, attributes = {}) {
  const element = document.createElementNS(svgNS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

function polygonPoints(sides, radius, cx, cy, rotation = -Math.PI / 2, inner = 0) {
  const points = [];
  const count = inner ? sides * 2 : sides;
  for (let i = 0; i < count; i += 1) {
    const r = inner && i % 2 ? inner : radius;
    const angle = rotation + (i * 2 * Math.PI) / count;
    points.push(`${(cx + r * Math.cos(angle)).toFixed(2)},${(cy + r * Math.sin(angle)).toFixed(2)}`);
  }
  return points.join(' ');
}

/** A point symbol (circle, square, triangle, star, diamond, pentagon, hexagon, cross) as an SVG element. */
function symbolElement(symbol, fill, stroke, strokeWidth = 1.2) {
  const paint = { fill: fill || 'none', stroke: stroke || '#252525', 'stroke-width': strokeWidth };
  switch (symbol) {
    case 'square':
      return svg('rect', { x: 4.5, y: 2.5, width: 11, height: 11, ...paint });
    case 'triangle':
      return svg('polygon', { points: polygonPoints(3, 7, 10, 9), ...paint });
    case 'star':
      return svg('polygon', { points: polygonPoints(5, 7.5, 10, 8.5, -Math.PI / 2, 3.2), ...paint });
    case 'diamond':
      return svg('polygon', { points: polygonPoints(4, 7, 10, 8), ...paint });
    case 'pentagon':
      return svg('polygon', { points: polygonPoints(5, 6.5, 10, 8.3), ...paint });
    case 'hexagon':
      return svg('polygon', { points: polygonPoints(6, 6.5, 10, 8, 0), ...paint });
    case 'cross':
      return svg('path', { d: 'M10 2v12M4 8h12', ...paint, 'stroke-width': 2.5 });
    default:
      return svg('circle', { cx: 10, cy: 8, r: 6, ...paint });
  }
}

/** A polygon swatch: fill, outline and the hatch that keeps classes apart in greyscale. */
function areaElement(entry) {
  const group = svg('g');
  const hatched = entry.pattern === 'hatch' || entry.pattern === 'backhatch';
  let fill = entry.fill || 'none';
  if (hatched) {
    const id = `antt-hatch-${(patternCount += 1)}`;
    const defs = svg('defs');
    const pattern = svg('pattern', { id, width: 5, height: 5, patternUnits: 'userSpaceOnUse',
      patternTransform: `rotate(${entry.pattern === 'hatch' ? 45 : -45})` });
    if (entry.fill) pattern.append(svg('rect', { width: 5, height: 5, fill: entry.fill }));
    pattern.append(svg('line', { x1: 0, y1: 0, x2: 0, y2: 5, stroke: entry.stroke || '#555', 'stroke-width': 1.4 }));
    defs.append(pattern);
    group.append(defs);
    fill = `url(#${id})`;
  }
  group.append(svg('rect', { x: 1.5, y: 1.5, width: 17, height: 13, fill, stroke: entry.stroke || '#737373',
    'stroke-width': entry.pattern === 'hollow' || !entry.fill ? 2 : 1 }));
  return group;
}

function swatch(content) {
  const element = svg('svg', { width: 20, height: 16, viewBox: '0 0 20 16', 'aria-hidden': 'true', class: 'swatch' });
  element.append(content);
  return element;
}

function row(list, swatchElement, label, key) {
  const item = document.createElement('li');
  if (key) item.dataset.key = key;
  const text = document.createElement('span');
  text.textContent = label;
  item.append(swatchElement, text);
  list.append(item);
}

/** Swatch of one class entry of a style (polygon or point). */
export function entrySwatch(style, entry) {
  if (style.geometry === 'point') {
    const symbol = entry.symbol ?? (style.kinds ? 'circle' : 'circle');
    return swatch(symbolElement(symbol, entry.fill, entry.stroke, entry.pattern === 'hollow' ? 2 : 1.2));
  }
  return swatch(areaElement(entry));
}

/**
 * Draws the legend of `visible` layers (descriptors with a `style` id) into `container`.
 * `styles` is the /api/legend array. `year` is shown in the heading when given.
 */
export function renderLegend(container, styles, visible, { year, compact = false } = {}) {
  container.replaceChildren();
  const byId = new Map(styles.map((style) => [style.id, style]));
  // Layers drawn with one style (communes and villages) share one section.
  const groups = [];
  for (const layer of visible) {
    const group = groups.find((candidate) => candidate.style === layer.style);
    if (group) group.layers.push(layer);
    else groups.push({ style: layer.style, layers: [layer] });
  }
  for (const group of groups) {
    const style = byId.get(group.style);
    if (!style) continue;
    const [layer] = group.layers;
    const section = document.createElement('section');
    section.className = 'legend-layer';
    section.dataset.layer = layer.name;
    section.dataset.layers = group.layers.map((member) => member.name).join(' ');
    const heading = document.createElement('h3');
    heading.textContent = (group.layers.length > 1 ? pick(style, 'title') : pick(layer, 'title')) + (year && compact ? ` — ${year}` : '');
    const list = document.createElement('ul');
    for (const entry of style.entries ?? []) row(list, entrySwatch(style, entry), pick(entry, 'label'), entry.key);
    for (const kind of style.kinds ?? []) {
      row(list, swatch(symbolElement(kind.symbol, '#bdbdbd', '#252525')), pick(kind, 'label'), `kind-${kind.kind}`);
    }
    for (const variant of style.effective ?? []) {
      const filled = variant.drawn === 'filled';
      row(list, swatch(symbolElement('circle', filled ? '#737373' : '', '#252525', filled ? 1.2 : 2)), pick(variant, 'label'));
    }
    section.append(heading, list);
    const minZoom = Math.min(...group.layers.map((member) => member.min_zoom));
    if (minZoom > 0 && !compact) {
      const note = document.createElement('p');
      note.className = 'hint';
      note.textContent = `${t('zoom_in_for')} ${minZoom}`;
      section.append(note);
    }
    container.append(section);
  }
}

/** The class entry of `style` with key `key` (for status colours in the unit panel). */
export function findEntry(styles, styleId, key) {
  const style = styles.find((candidate) => candidate.id === styleId);
  return style ? [style, (style.entries ?? []).find((entry) => entry.key === key)] : [null, null];
}
