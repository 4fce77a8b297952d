/* Builds the admin's OpenLayers map widgets (geo.admin_widgets.OfflineOSMWidget) from the JSON
 * options each widget renders, instead of an inline script (Content-Security-Policy). */
(function () {
  "use strict";

  function baseLayer(options) {
    if (!options.tile_url) {
      // No base map: an empty layer, because MapWidget falls back to OSM tiles without one.
      return new ol.layer.Vector({source: new ol.source.Vector()});
    }
    return new ol.layer.Tile({
      source: new ol.source.XYZ({
        url: options.tile_url, attributions: options.tile_attribution, maxZoom: 19
      })
    });
  }

  function init() {
    var nodes = document.querySelectorAll('script[id$="_simpul_map_options"]');
    Array.prototype.forEach.call(nodes, function (node) {
      if (node.dataset.simpulDone) {
        return;
      }
      node.dataset.simpulDone = "true";
      var o = JSON.parse(node.textContent);
      window[o.module] = new MapWidget({
        base_layer: baseLayer(o),
        geom_name: o.geom_name,
        id: o.id,
        map_id: o.map_id,
        map_srid: o.map_srid,
        name: o.name,
        default_lon: o.default_lon,
        default_lat: o.default_lat,
        default_zoom: o.default_zoom
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
