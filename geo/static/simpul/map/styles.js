/**
 * How map features look: hotspot status colours, cluster rings and markers, marker icons
 * and the styles of the shape layers. Colours and icon names come from the server's config.
 */

import { esc } from "./format.js";

/** The status a hotspot is drawn with: "reported_down" for an active hotspot with
 * confirmed outage reports, else its own status. */
export function hotspotStatus(p) {
  return p.reported_down && p.status === "active" ? "reported_down" : p.status;
}

/** The colour of a hotspot status (grey for an unknown one). */
export function statusColor(config, status) {
  const entry = config.hotspotStatus[status];
  return entry ? entry.color : "#555555";
}

/** A cluster icon: `count` (written for locale `lang`) in a ring split by `counts`
 * (hotspot status -> number of hotspots; empty for clusters of other layers). */
export function clusterIcon(config, lang, count, counts) {
  let total = 0;
  const stops = [];
  Object.keys(config.hotspotStatus).forEach((status) => {
    const n = counts[status] || 0;
    if (!n) return;
    const start = total / count * 100;
    total += n;
    stops.push(statusColor(config, status) + " " + start.toFixed(1) + "% " +
      (total / count * 100).toFixed(1) + "%");
  });
  const size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
  return L.divIcon({
    className: "simpul-cluster",
    iconSize: [size, size],
    html: '<div class="simpul-cluster-ring" style="background:conic-gradient(' +
      stops.join(",") + ')"><span>' + count.toLocaleString(lang) + "</span></div>",
  });
}

/** A marker for a cluster sent by the server (`count` features, `counts` as for
 * clusterIcon) at `latlng` on view.map; a click zooms in two levels. */
export function clusterMarker(view, latlng, count, counts, options = {}) {
  const marker = L.marker(latlng, { icon: clusterIcon(view.config, view.lang, count, counts),
                                    ...options });
  marker.on("click", () => {
    view.map.setView(latlng, Math.min(view.map.getZoom() + 2, 18));
  });
  return marker;
}

/** The icon of one hotspot drawn with `status` (see hotspotStatus). */
export function hotspotIcon(config, status) {
  return L.divIcon({
    className: "simpul-hotspot simpul-status-" + status.replace(/[^a-z_]/g, ""),
    iconSize: [24, 24],
    html: '<span style="background:' + statusColor(config, status) +
      '"><i class="fa-solid fa-wifi" aria-hidden="true"></i></span>',
  });
}

/** The icon of a facility of `type` ({icon, color}, from config.facilityTypes). */
export function facilityIcon(type) {
  return L.divIcon({
    className: "simpul-facility",
    iconSize: [22, 22],
    html: '<span style="background:' + esc(type.color) + '"><i class="fa-solid fa-' +
      esc(type.icon) + '" aria-hidden="true"></i></span>',
  });
}

/** The fill colour of an area covered `pct` percent (the no-data colour for null). */
function coverageColor(config, pct) {
  if (pct === null || pct === undefined) return config.noDataColor;
  const classes = config.coverageClasses;
  for (let i = 0; i < classes.length; i += 1) {
    if (pct <= classes[i][0]) return classes[i][1];
  }
  return classes[classes.length - 1][1];
}

/** The Leaflet style function of a shape layer: "areas", "white-zones" or "fiber-links". */
export function shapeStyle(config, key) {
  if (key === "areas") {
    return (feature) => {
      const highlighted = config.highlight && feature.properties.code === config.highlight;
      return {
        color: highlighted ? "#08306b" : "#555555",
        weight: highlighted ? 4 : 1,
        fillColor: coverageColor(config, feature.properties.covered_pct),
        fillOpacity: 0.45,
      };
    };
  }
  if (key === "white-zones") {
    return () => ({ color: config.whiteZoneColor, weight: 1, dashArray: "3 3",
                    fillColor: config.whiteZoneColor, fillOpacity: 0.2 });
  }
  return (feature) => {
    const style = config.fiberStatus[feature.properties.status] || { color: "#6a3d9a" };
    return { color: style.color, weight: 3, opacity: 0.9, dashArray: style.dashArray };
  };
}
