// The map shared by the viewer and /embed: one XYZ raster layer per published layer, drawn by
// the server (/tiles/{layer}/{z}/{x}/{y}.png?year=Y, cached there), on a plain background — no
// tiles from anywhere else. Tracks when every visible tile is drawn (data-map-state="idle" on
// <html>), which tests and printing wait for.
import Map from 'ol/Map.js';
import View from 'ol/View.js';
import TileLayer from 'ol/layer/Tile.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import XYZ from 'ol/source/XYZ.js';
import ImageWMS from 'ol/source/ImageWMS.js';
import Feature from 'ol/Feature.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import Point from 'ol/geom/Point.js';
import { fromExtent } from 'ol/geom/Polygon.js';
import { Style, Stroke, Fill, Circle } from 'ol/style.js';
import { defaults as defaultControls, ScaleLine } from 'ol/control.js';
import { defaults as defaultInteractions } from 'ol/interaction/defaults.js';
import { fromLonLat, transformExtent } from 'ol/proj.js';
import { withToken } from './api.js';

const reducedMotion = () => window.matchMedia('(prefers-reduced-motion: reduce)').matches;

export class ProvinceMap {
  /**
   * @param target element id or element
   * @param options {layers: descriptors from the page config, visible: names, year, extent: degrees}
   */
  constructor(target, { layers, visible, year, extent, controls = true }) {
    this.year = year;
    this.descriptors = layers;
    this.layers = new globalThis.Map();
    this.pending = 0;
    const retina = window.devicePixelRatio >= 1.5;
    for (const descriptor of layers) {
      const source = new XYZ({
        url: this.tileUrl(descriptor.name, retina),
        tilePixelRatio: retina ? 2 : 1,
        transition: reducedMotion() ? 0 : 200,
        crossOrigin: 'anonymous',
        maxZoom: 19,
      });
      source.on('tileloadstart', () => this.loading(+1));
      source.on('tileloadend', () => this.loading(-1));
      source.on('tileloaderror', () => this.loading(-1));
      const layer = new TileLayer({
        source,
        visible: visible.includes(descriptor.name),
        // OpenLayers' minZoom is exclusive: the layer shows from descriptor.min_zoom on.
        minZoom: descriptor.min_zoom > 0 ? descriptor.min_zoom - 1e-6 : undefined,
        properties: { name: descriptor.name },
      });
      this.layers.set(descriptor.name, { layer, source, descriptor, retina });
    }
    this.marker = new VectorSource();
    const markerLayer = new VectorLayer({
      source: this.marker,
      style: [
        new Style({ stroke: new Stroke({ color: '#ffffff', width: 5 }) }),
        new Style({
          stroke: new Stroke({ color: '#d7301f', width: 2.5, lineDash: [6, 4] }),
          image: new Circle({ radius: 7, fill: new Fill({ color: '#d7301f' }), stroke: new Stroke({ color: '#fff', width: 2 }) }),
        }),
      ],
    });
    this.extent3857 = extent ? transformExtent(extent, 'EPSG:4326', 'EPSG:3857') : undefined;
    this.map = new Map({
      target,
      layers: [...[...this.layers.values()].map((entry) => entry.layer), markerLayer],
      controls: controls ? defaultControls({ attribution: false }).extend([new ScaleLine()]) : defaultControls({ attribution: false, rotate: false }),
      interactions: defaultInteractions({ altShiftDragRotate: false, pinchRotate: false }),
      view: new View({ center: fromLonLat([105.3, 20.7]), zoom: 8, maxZoom: 19, minZoom: 5, constrainResolution: true }),
    });
    this.map.on('loadstart', () => this.setState('loading'));
    this.map.on('rendercomplete', () => {
      if (this.pending === 0) this.setState('idle');
    });
    if (this.extent3857) this.fitExtent(this.extent3857);
  }

  tileUrl(name, retina) {
    return withToken(`tiles/${encodeURIComponent(name)}/{z}/{x}/{y}${retina ? '@2x' : ''}.png?year=${this.year}`);
  }

  loading(delta) {
    this.pending = Math.max(0, this.pending + delta);
    if (this.pending > 0) this.setState('loading');
  }

  setState(state) {
    document.documentElement.dataset.mapState = state;
    if (state === 'idle') document.documentElement.dataset.mapYear = String(this.year);
  }

  fitExtent(extent3857, maxZoom = 16) {
    this.setState('loading');
    this.map.render();  // rendercomplete follows even when the view does not move
    this.map.getView().fit(extent3857, {
      padding: [16, 16, 16, 16],
      maxZoom,
      duration: reducedMotion() ? 0 : 400,
      nearest: false,
    });
  }

  /** Zooms to [minlon, minlat, maxlon, maxlat]. */
  fitLonLat(bbox, maxZoom = 15) {
    this.fitExtent(transformExtent(bbox, 'EPSG:4326', 'EPSG:3857'), maxZoom);
  }

  setYear(year) {
    if (year === this.year) return;
    this.year = year;
    this.setState('loading');
    for (const [name, entry] of this.layers) entry.source.setUrl(this.tileUrl(name, entry.retina));
  }

  /** Draws every layer again (after an edit: the tiles are revalidated, the changed ones come new). */
  refresh() {
    this.setState('loading');
    for (const entry of this.layers.values()) entry.source.refresh();
  }

  setVisible(name, visible) {
    const entry = this.layers.get(name);
    if (!entry) return;
    entry.layer.setVisible(visible);
    this.setState('loading');
    this.map.render();
  }

  visibleNames() {
    return [...this.layers.values()].filter((entry) => entry.layer.getVisible()).map((entry) => entry.descriptor.name);
  }

  /** Outlines a GeoJSON geometry in EPSG:3857 (as GetFeatureInfo returns it); null clears. */
  markGeometry(geometry) {
    this.marker.clear();
    if (geometry) this.marker.addFeature(new Feature(new GeoJSON().readGeometry(geometry)));
  }

  /** Marks a place: an outline of the bbox (degrees) and a dot at its centre. */
  mark(bbox, center) {
    this.marker.clear();
    const features = [];
    if (bbox) features.push(new Feature(fromExtent(transformExtent(bbox, 'EPSG:4326', 'EPSG:3857'))));
    if (center) features.push(new Feature(new Point(fromLonLat(center))));
    this.marker.addFeatures(features);
  }

  /**
   * The features under a map pixel from WMS GetFeatureInfo (application/json), asking the visible
   * queryable layers one at a time in `order` (the GeoJSON writer takes one layer per answer) and
   * stopping at the first that has something: [{layer, properties}].
   */
  async featuresAt(coordinate, order) {
    const zoom = this.map.getView().getZoom();
    const names = order.filter((name) => {
      const entry = this.layers.get(name);
      return entry && entry.descriptor.queryable && entry.layer.getVisible() && zoom >= entry.descriptor.min_zoom;
    });
    for (const name of names) {
      const wms = new ImageWMS({ url: 'wms', params: { LAYERS: name, TIME: String(this.year) }, projection: 'EPSG:3857' });
      const url = wms.getFeatureInfoUrl(coordinate, this.map.getView().getResolution(), 'EPSG:3857', {
        INFO_FORMAT: 'application/json',
        QUERY_LAYERS: name,
        FEATURE_COUNT: 5,
      });
      const response = await fetch(withToken(url));
      const text = await response.text();
      if (!response.ok || !text.trimStart().startsWith('{')) throw new Error(`GetFeatureInfo ${name}: ${response.status}`);
      const features = JSON.parse(text).features ?? [];
      if (features.length) {
        return features.map((feature) => ({ layer: name, properties: feature.properties ?? {}, geometry: feature.geometry }));
      }
    }
    return [];
  }
}
