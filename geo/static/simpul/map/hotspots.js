/**
 * The hotspot layers: hotspot points (clustered in the browser by Leaflet.markercluster),
 * the server's grid clusters at low zoom, and the modelled coverage circles.
 */

import { clusterIcon, clusterMarker, hotspotIcon, hotspotStatus, statusColor } from "./styles.js";

/**
 * Create the hotspot layers in view.groups.hotspots and view.groups.coverage. `view` holds
 * map, groups, config, lang, popups and notice. Returns render(data) and drawCoverage(data)
 * for a layer response, show(id, lat, lon) and counts().
 */
export function hotspotLayers(view) {
  const { map, groups, config } = view;
  const points = L.markerClusterGroup({
    maxClusterRadius: 40,
    disableClusteringAtZoom: 17,
    showCoverageOnHover: false,
    chunkedLoading: true,
    iconCreateFunction(cluster) {
      const counts = {};
      cluster.getAllChildMarkers().forEach((marker) => {
        counts[marker.options.simpulStatus] = (counts[marker.options.simpulStatus] || 0) + 1;
      });
      return clusterIcon(config, view.lang, cluster.getChildCount(), counts);
    },
  });
  const clusters = L.layerGroup();
  groups.hotspots.addLayer(points);
  groups.hotspots.addLayer(clusters);
  let markers = {};
  let drawnPoints = 0;
  let drawnClusters = 0;
  let drawnCoverage = 0;
  let openAfterLoad = null;

  function openPending() {
    const marker = openAfterLoad !== null && markers[openAfterLoad];
    if (!marker) return;
    openAfterLoad = null;
    points.zoomToShowLayer(marker, () => { marker.openPopup(); });
  }

  function pointMarker(f, latlng) {
    const p = f.properties;
    const status = hotspotStatus(p);
    const marker = L.marker(latlng, {
      simpulStatus: status,
      title: p.name,
      alt: p.name,
      icon: hotspotIcon(config, status),
    });
    marker.feature = f;
    marker.bindPopup(() => view.popups.hotspot(p));
    markers[p.id] = marker;
    return marker;
  }

  /** Draw the coverage circles of the active hotspots of `data` (complete data only,
   * from config.coverageMinZoom). */
  function drawCoverage(data) {
    const group = groups.coverage;
    group.clearLayers();
    let count = 0;
    if (data && !data.clustered && map.getZoom() >= config.coverageMinZoom) {
      const color = statusColor(config, "active");
      data.features.forEach((f) => {
        const p = f.properties;
        if (hotspotStatus(p) !== "active" || !p.coverage_radius_m) return;
        group.addLayer(L.circle([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
          radius: p.coverage_radius_m, color, weight: 1, opacity: 0.6,
          fillColor: color, fillOpacity: 0.15, interactive: false,
        }));
        count += 1;
      });
    }
    drawnCoverage = count;
  }

  /** Replace the hotspots with those of a layer response. */
  function render(data) {
    points.clearLayers();
    clusters.clearLayers();
    markers = {};
    const list = [];
    data.features.forEach((f) => {
      const p = f.properties;
      const latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      if (p.cluster) {
        clusters.addLayer(clusterMarker(view, latlng, p.count, p));
        return;
      }
      list.push(pointMarker(f, latlng));
    });
    points.addLayers(list);
    drawnPoints = list.length;
    drawnClusters = clusters.getLayers().length;
    if (data.clustered) view.notice(config.strings.zoomIn);
    drawCoverage(data);
    openPending();
  }

  /** Centre the map on a hotspot and open its popup once it is loaded. */
  function show(id, lat, lon) {
    openAfterLoad = String(id);
    if (!map.hasLayer(groups.hotspots)) map.addLayer(groups.hotspots);
    map.setView([lat, lon], Math.max(map.getZoom(), 17));
    openPending();
  }

  /** Hotspot points, server clusters and coverage circles drawn on visible layers. */
  function counts() {
    const shown = map.hasLayer(groups.hotspots);
    return {
      hotspots: shown ? drawnPoints : 0,
      hotspotClusters: shown ? drawnClusters : 0,
      coverage: map.hasLayer(groups.coverage) ? drawnCoverage : 0,
    };
  }

  return { render, drawCoverage, show, counts };
}
