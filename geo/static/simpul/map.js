/**
 * Simpul maps, entry module: layers loaded by viewport, legend, nearest free wifi and search
 * on a folium map. Native ES modules served as static files, no build step; the parts are in
 * map/:
 *
 *   format.js    esc(), fill(), numbers, distances, surfaces and dates
 *   styles.js    status colours, cluster rings and markers, icons, shape styles
 *   popups.js    popup HTML
 *   legend.js    the legend and its notice line
 *   hotspots.js  hotspot points, server clusters and coverage circles
 *   features.js  areas, white zones, fiber links, fiber nodes and facilities
 *   loader.js    fetching by viewport (at low zoom the server sends clusters)
 *   nearest.js   "nearest free wifi"
 *   search.js    search for areas and hotspots
 *
 * Needs Leaflet and Leaflet.markercluster, loaded as classic scripts in the page head
 * (global L). Every text that comes from data goes through esc() before it reaches innerHTML.
 *
 * Hand-off from the page: folium's inline script (nonce'd; see ViewportLayers in
 * geo/maps/elements.py) creates the map and one empty feature group per layer, then loads
 * this module with import() and, when it resolves, stores viewportMap(map, groups, config)
 * in window.simpul. The module thus always runs after the map exists, whatever the timing,
 * and defines no global of its own. The Content-Security-Policy allows it: script-src
 * 'self' covers import() and the static imports below (same origin), and nothing here
 * uses eval or inline handlers.
 */

import { formatters, localeOf } from "./map/format.js";
import { popups } from "./map/popups.js";
import { addLegend } from "./map/legend.js";
import { hotspotLayers } from "./map/hotspots.js";
import { featureLayers } from "./map/features.js";
import { viewportLoader } from "./map/loader.js";
import { addNearest } from "./map/nearest.js";
import { addSearch } from "./map/search.js";

/**
 * Attach viewport loading, legend, search and nearest wifi to a folium `map`. `groups` maps
 * each layer key (hotspots, coverage, areas, white-zones, fiber-links, fiber-nodes,
 * facilities) to an empty feature group of the map; `config` comes from
 * geo.maps.builders.map_config. Returns the handle kept in window.simpul: map, groups,
 * config, firstIdleAt, idle(), counts(), showHotspot(id, lat, lon), search(text, results)
 * when config.search, and locate() and nearest(lat, lon) when config.nearest.
 */
export function viewportMap(map, groups, config) {
  // Without a tile layer Leaflet knows no maximum zoom; clustering needs one.
  if (map.options.maxZoom === undefined) map.setMaxZoom(config.maxZoom);
  const lang = localeOf(config.language);
  const format = formatters(lang, config.strings);
  const legend = addLegend(map, config);
  const view = { map, groups, config, lang, format, popups: popups(config, format),
                 notice: legend.notice, setLevel: legend.setLevel };
  const hotspots = hotspotLayers(view);
  const search = config.search ? addSearch(view, hotspots.show) : null;
  const nearest = config.nearest ? addNearest(view, hotspots.show) : null;
  const features = featureLayers(view, nearest ? nearest.pick : () => false);
  const loader = viewportLoader(map, groups, config, {
    render(key, data) {
      if (key === "hotspots") hotspots.render(data);
      else features.render(key, data);
    },
    reuse(key, data) {
      if (key === "hotspots") hotspots.drawCoverage(data);
    },
    failed() {
      legend.notice(config.strings.loadError);
    },
  });
  return {
    map,
    groups,
    config,
    /** performance.now() when no layer request was first pending (null before). */
    get firstIdleAt() { return loader.firstIdleAt; },
    idle: loader.idle,
    /** Number of features drawn per layer (hotspot points and server clusters apart). */
    counts() { return { ...hotspots.counts(), ...features.counts() }; },
    showHotspot: hotspots.show,
    ...(search ? { search: search.search } : {}),
    ...(nearest ? { locate: nearest.locate, nearest: nearest.nearest } : {}),
  };
}
