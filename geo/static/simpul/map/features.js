/**
 * The other layers: shapes (areas, white zones, fiber links; GeoJSON) and points (fiber
 * nodes and facilities; server clusters at low zoom).
 */

import { clusterMarker, facilityIcon, shapeStyle } from "./styles.js";

const SHAPE_KEYS = ["areas", "white-zones", "fiber-links"];
const POINT_KEYS = ["fiber-nodes", "facilities"];

/** A marker for one fiber node or facility `f`, with its popup. */
function pointMarker(view, key, f, latlng) {
  const p = f.properties;
  const config = view.config;
  if (key === "facilities") {
    const type = config.facilityTypes[p.facility_type] ||
      { icon: "location-dot", color: "#555", label: p.facility_type };
    return L.marker(latlng, { title: p.name, alt: p.name, icon: facilityIcon(type) })
      .bindPopup(() => view.popups.feature(key, p));
  }
  const style = config.fiberStatus[p.status] || { color: "#6a3d9a" };
  return L.circleMarker(latlng, {
    radius: 5, color: "#ffffff", weight: 1.5, fillColor: style.color, fillOpacity: 1,
  }).bindPopup(() => view.popups.feature(key, p));
}

/**
 * Create the shape and point layers in their groups of view.groups. A click on a shape
 * opens its popup unless pick(latlng) takes it (the "nearest wifi" mode). Returns
 * render(key, data) for a layer response and counts().
 */
export function featureLayers(view, pick) {
  const { map, groups, config } = view;
  const layers = {};
  SHAPE_KEYS.forEach((key) => {
    layers[key] = L.geoJSON(null, {
      style: shapeStyle(config, key),
      onEachFeature(feature, layer) {
        // One click handler: in "nearest wifi" mode a click on a shape picks the point.
        layer.on("click", (event) => {
          L.DomEvent.stopPropagation(event);
          if (pick(event.latlng)) return;
          L.popup().setLatLng(event.latlng)
            .setContent(view.popups.feature(key, feature.properties)).openOn(map);
        });
      },
    });
    groups[key].addLayer(layers[key]);
  });
  POINT_KEYS.forEach((key) => {
    layers[key] = L.layerGroup();
    groups[key].addLayer(layers[key]);
  });

  function renderShapes(key, data) {
    layers[key].clearLayers();
    layers[key].addData(data);
    if (key === "areas") view.setLevel(data.level_label);
    if (data.truncated) view.notice(config.strings.zoomIn);
  }

  function renderPoints(key, data) {
    const layer = layers[key];
    layer.clearLayers();
    data.features.forEach((f) => {
      const p = f.properties;
      const latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      const marker = p.cluster
        ? clusterMarker(view, latlng, p.count, {}, { keyboard: false })
        : pointMarker(view, key, f, latlng);
      marker.feature = f;
      layer.addLayer(marker);
    });
    if (data.clustered) view.notice(config.strings.zoomIn);
  }

  return {
    /** Replace a layer's features with those of a layer response. */
    render(key, data) {
      if (SHAPE_KEYS.includes(key)) renderShapes(key, data);
      else renderPoints(key, data);
    },
    /** Features drawn per layer (0 for a hidden layer). */
    counts() {
      const result = {};
      SHAPE_KEYS.concat(POINT_KEYS).forEach((key) => {
        result[key] = map.hasLayer(groups[key]) ? layers[key].getLayers().length : 0;
      });
      return result;
    },
  };
}
