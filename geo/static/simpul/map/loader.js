/**
 * Loading by viewport: after each move (debounced) every visible layer is fetched from
 * config.urls.layer for a box around the view and the zoom, unless the data already held
 * cover them. <html data-simpul-idle> is "true" when no request is scheduled or in flight;
 * tests and bench/map.py wait on it (and on firstIdleAt).
 */

const KEYS = ["areas", "white-zones", "fiber-links", "hotspots", "fiber-nodes", "facilities"];
const POINT_LAYERS = { hotspots: true, "fiber-nodes": true, facilities: true };

/** Whether data held for `state` (box, zoom, data) can be shown for `box` at `zoom`. */
function covers(state, box, zoom, key) {
  const inside = state.box[0] <= box[0] && state.box[1] <= box[1] &&
    state.box[2] >= box[2] && state.box[3] >= box[3];
  if (!inside) return false;
  if (state.zoom === zoom) return true;
  // Complete point data stay valid when zooming in.
  return POINT_LAYERS[key] && !state.data.clustered && zoom > state.zoom;
}

/** The box to ask for: the view a little enlarged, snapped to a grid of 512 pixels at
 * `zoom`, so that small pans reuse the data and the browser cache. */
function requestBox(view, zoom) {
  const step = 512 * 360 / (256 * Math.pow(2, zoom));
  return [
    Math.max(-180, Math.floor(view.getWest() / step) * step),
    Math.max(-90, Math.floor(view.getSouth() / step) * step),
    Math.min(180, Math.ceil(view.getEast() / step) * step),
    Math.min(90, Math.ceil(view.getNorth() / step) * step),
  ];
}

/**
 * Load the layers of `map` (feature groups `groups`) by viewport. `handlers` has
 * render(key, data) for new data, reuse(key, data) when held data still cover the view, and
 * failed() when a request fails. Starts at once and after every move or layer switch.
 * Returns idle() and firstIdleAt (the performance.now() of the first idle moment, null
 * before).
 */
export function viewportLoader(map, groups, config, handlers) {
  const state = {};
  let pending = 0;
  let timer = null;
  const loader = { firstIdleAt: null, idle };

  /** True when no layer request is scheduled or in flight. */
  function idle() {
    return pending === 0 && timer === null;
  }

  function checkIdle() {
    const now = idle();
    document.documentElement.dataset.simpulIdle = now ? "true" : "false";
    if (now && loader.firstIdleAt === null) loader.firstIdleAt = performance.now();
  }

  /** Refresh the layers after `delay` ms (150 by default), cancelling an earlier call. */
  function schedule(delay) {
    clearTimeout(timer);
    document.documentElement.dataset.simpulIdle = "false";
    timer = setTimeout(() => { timer = null; refresh(); }, delay === undefined ? 150 : delay);
  }

  function visible(key) {
    if (key === "hotspots") return map.hasLayer(groups.hotspots) || map.hasLayer(groups.coverage);
    return map.hasLayer(groups[key]);
  }

  function refresh() {
    const zoom = map.getZoom();
    const box = requestBox(map.getBounds(), zoom);
    KEYS.forEach((key) => {
      if (!visible(key)) return;
      const held = state[key];
      if (held && held.box && covers(held, box, zoom, key)) {
        handlers.reuse(key, held.data);
        return;
      }
      load(key, box, zoom);
    });
    checkIdle();
  }

  function load(key, box, zoom) {
    const url = config.urls.layer.replace("{layer}", key) +
      "?bbox=" + box.map((v) => v.toFixed(6)).join(",") + "&zoom=" + zoom;
    const previous = state[key] && state[key].controller;
    if (previous) previous.abort();
    const controller = window.AbortController ? new AbortController() : null;
    state[key] = state[key] || {};
    state[key].controller = controller;
    pending += 1;
    fetch(url, { signal: controller ? controller.signal : undefined, credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then((data) => {
        state[key] = { box, zoom, data, controller: null };
        render(key, data);
      })
      .catch((error) => {
        if (error.name !== "AbortError") {
          state[key] = null;
          handlers.failed();
        }
      })
      .then(() => {
        pending -= 1;
        checkIdle();
      });
  }

  function render(key, data) {
    if (map._animatingZoom) {
      // Replacing markers during a zoom animation upsets Leaflet.markercluster.
      pending += 1;
      map.once("zoomend", () => {
        pending -= 1;
        render(key, data);
        checkIdle();
      });
      return;
    }
    handlers.render(key, data);
  }

  map.on("moveend", () => { schedule(); });
  map.on("overlayadd overlayremove", () => { schedule(); });
  schedule(0);
  return loader;
}
