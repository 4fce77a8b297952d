/**
 * "Nearest free wifi": a control (top left) that lists the active hotspots nearest to the
 * browser's position or to a point picked on the map, with walking directions.
 */

import { esc, fill } from "./format.js";

/** The control's HTML. */
function panelHtml(s) {
  return '<button type="button" class="simpul-nearest-toggle" aria-expanded="false">' +
    '<i class="fa-solid fa-wifi" aria-hidden="true"></i> ' + esc(s.nearestTitle) + "</button>" +
    '<div class="simpul-nearest-panel" hidden>' +
    '<p class="simpul-nearest-hint">' + esc(s.nearestHint) + "</p>" +
    '<button type="button" class="simpul-locate btn btn-sm btn-primary">' +
    '<i class="fa-solid fa-location-crosshairs" aria-hidden="true"></i> ' + esc(s.myLocation) +
    "</button>" +
    '<p class="simpul-nearest-status" role="status"></p>' +
    '<ol class="simpul-nearest-results"></ol></div>';
}

/**
 * Add the control to view.map. While its panel is open a click on the map picks the point.
 * `showHotspot(id, lat, lon)` opens a listed hotspot. Returns pick(latlng) (true when the
 * click was taken), locate() and nearest(lat, lon).
 */
export function addNearest(view, showHotspot) {
  const { map, config } = view;
  const s = config.strings;
  let box = null;
  let picking = false;
  let point = null;
  const control = L.control({ position: "topleft" });
  control.onAdd = () => {
    const div = L.DomUtil.create("div", "simpul-nearest leaflet-bar");
    div.innerHTML = panelHtml(s);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    const toggle = div.querySelector(".simpul-nearest-toggle");
    const panel = div.querySelector(".simpul-nearest-panel");
    toggle.addEventListener("click", () => {
      const open = panel.hidden;
      panel.hidden = !open;
      toggle.setAttribute("aria-expanded", String(open));
      picking = open;
      map.getContainer().classList.toggle("simpul-picking", open);
    });
    div.querySelector(".simpul-locate").addEventListener("click", () => { locate(); });
    box = div;
    return div;
  };
  map.on("click", (event) => { pick(event.latlng); });
  control.addTo(map);

  function status(text) {
    box.querySelector(".simpul-nearest-status").textContent = text;
  }

  /** In picking mode, look for the hotspots nearest to `latlng` and return true. */
  function pick(latlng) {
    if (!picking) return false;
    nearest(latlng.lat, latlng.lng);
    return true;
  }

  /** Find the nearest hotspots to the browser's position. */
  function locate() {
    if (!navigator.geolocation) {
      status(s.noGeolocation);
      return;
    }
    status(s.locating);
    navigator.geolocation.getCurrentPosition(
      (position) => {
        map.setView([position.coords.latitude, position.coords.longitude],
          Math.max(map.getZoom(), 16));
        nearest(position.coords.latitude, position.coords.longitude);
      },
      (error) => { status(fill(s.geolocationFailed, { reason: error.message })); },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }

  function resultItem(f, lat, lon) {
    const p = f.properties;
    const to = f.geometry.coordinates;
    const directions = config.urls.directions
      .replace("{from_lat}", lat.toFixed(6)).replace("{from_lon}", lon.toFixed(6))
      .replace("{to_lat}", to[1]).replace("{to_lon}", to[0]);
    const item = document.createElement("li");
    item.dataset.hotspotId = f.id !== undefined ? f.id : p.id;
    item.innerHTML = '<button type="button" class="simpul-nearest-name">' + esc(p.name) +
      '</button> <span class="simpul-distance">' + esc(view.format.distance(p.distance_m)) +
      "</span><br><small>" + esc(p.ssid || "") + "</small> " +
      '<a href="' + esc(directions) + '" target="_blank" rel="noopener noreferrer">' +
      '<i class="fa-solid fa-person-walking" aria-hidden="true"></i> ' + esc(s.walk) + "</a>";
    item.querySelector("button").addEventListener("click", () => {
      showHotspot(item.dataset.hotspotId, to[1], to[0]);
    });
    return item;
  }

  /** Find and list the active free hotspots nearest to (lat, lon). Returns a promise. */
  function nearest(lat, lon) {
    const list = box.querySelector(".simpul-nearest-results");
    list.innerHTML = "";
    status(s.searching);
    if (point) map.removeLayer(point);
    point = L.circleMarker([lat, lon], {
      radius: 7, color: "#08306b", weight: 3, fillColor: "#ffffff", fillOpacity: 1,
    }).bindTooltip(s.yourPoint).addTo(map);
    const url = config.urls.nearest + "?lat=" + lat.toFixed(6) + "&lon=" + lon.toFixed(6) +
      "&limit=5";
    return fetch(url, { credentials: "same-origin" })
      .then((response) => {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then((data) => {
        const features = Array.isArray(data) ? data : data.features || [];
        status(features.length ? "" : s.noResults);
        features.forEach((f) => { list.appendChild(resultItem(f, lat, lon)); });
        return features;
      })
      .catch(() => {
        status(s.loadError);
        return [];
      });
  }

  return { pick, locate, nearest };
}
