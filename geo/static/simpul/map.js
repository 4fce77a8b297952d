/*
 * Simpul maps: layers loaded by viewport, legend, nearest free wifi and search.
 *
 * Needs Leaflet and Leaflet.markercluster. The folium page creates one empty feature group
 * per layer and calls Simpul.viewportMap(map, groups, config). Layers are fetched for the
 * visible box and zoom from config.urls.layer; at low zoom the server sends clusters.
 * Every text that comes from data goes through esc() before it reaches innerHTML.
 */
(function () {
  "use strict";

  var ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

  /** HTML-escape any value (null and undefined become an empty string). */
  function esc(value) {
    return String(value === null || value === undefined ? "" : value).replace(
      /[&<>"']/g,
      function (ch) { return ESCAPES[ch]; }
    );
  }

  /** Replace %(name)s placeholders of a translated string. */
  function fill(template, values) {
    return template.replace(/%\(([a-z]+)\)s|%%/g, function (match, key) {
      return key ? values[key] : "%";
    });
  }

  var POINT_LAYERS = { hotspots: true, "fiber-nodes": true, facilities: true };

  function Viewport(map, groups, config) {
    this.map = map;
    this.groups = groups;
    this.config = config;
    this.s = config.strings;
    this.lang = config.language === "en" ? "en-GB" : "id-ID";
    this.state = {};
    this.pending = 0;
    this.timer = null;
    this.firstIdleAt = null;
    this.hotspotMarkers = {};
    this.openAfterLoad = null;
    this.layers = {};
    this._build();
  }

  Viewport.prototype = {
    // --- set-up --------------------------------------------------------------------------
    _build: function () {
      var self = this;
      var cfg = this.config;
      // Without a tile layer Leaflet knows no maximum zoom; clustering needs one.
      if (this.map.options.maxZoom === undefined) this.map.setMaxZoom(cfg.maxZoom);
      this.hotspotPoints = L.markerClusterGroup({
        maxClusterRadius: 40,
        disableClusteringAtZoom: 17,
        showCoverageOnHover: false,
        chunkedLoading: true,
        iconCreateFunction: function (cluster) {
          var counts = {};
          cluster.getAllChildMarkers().forEach(function (marker) {
            counts[marker.options.simpulStatus] = (counts[marker.options.simpulStatus] || 0) + 1;
          });
          return self._clusterIcon(cluster.getChildCount(), counts);
        },
      });
      this.hotspotClusters = L.layerGroup();
      this.groups.hotspots.addLayer(this.hotspotPoints);
      this.groups.hotspots.addLayer(this.hotspotClusters);
      this.layers = {
        hotspots: { points: 0, clusters: 0 },
        coverage: 0,
      };
      this.shapeLayers = {};
      ["areas", "white-zones", "fiber-links"].forEach(function (key) {
        self.shapeLayers[key] = L.geoJSON(null, {
          style: self._styleFor(key),
          onEachFeature: function (feature, layer) {
            // One click handler: in "nearest wifi" mode a click on a shape picks the point.
            layer.on("click", function (event) {
              L.DomEvent.stopPropagation(event);
              if (self.picking) {
                self.nearest(event.latlng.lat, event.latlng.lng);
                return;
              }
              L.popup().setLatLng(event.latlng)
                .setContent(self._popup(key, feature.properties)).openOn(self.map);
            });
          },
        });
        self.groups[key].addLayer(self.shapeLayers[key]);
      });
      this.pointLayers = {};
      ["fiber-nodes", "facilities"].forEach(function (key) {
        self.pointLayers[key] = L.layerGroup();
        self.groups[key].addLayer(self.pointLayers[key]);
      });
      this.legend = this._legendControl().addTo(this.map);
      if (cfg.search) this._searchControl().addTo(this.map);
      if (cfg.nearest) this._nearestControl().addTo(this.map);
      this.map.on("moveend", function () { self.schedule(); });
      this.map.on("overlayadd overlayremove", function () { self.schedule(); });
      this.schedule(0);
    },

    // --- loading by viewport -------------------------------------------------------------
    schedule: function (delay) {
      var self = this;
      clearTimeout(this.timer);
      document.documentElement.dataset.simpulIdle = "false";
      this.timer = setTimeout(function () { self.timer = null; self.refresh(); },
        delay === undefined ? 150 : delay);
    },

    visible: function (key) {
      if (key === "hotspots") {
        return this.map.hasLayer(this.groups.hotspots) || this.map.hasLayer(this.groups.coverage);
      }
      return this.map.hasLayer(this.groups[key]);
    },

    refresh: function () {
      var self = this;
      var zoom = this.map.getZoom();
      var view = this.map.getBounds();
      // Ask for a box a little larger than the view, snapped to a grid of 512 pixels at
      // this zoom, so that small pans reuse the data and the browser cache.
      var step = 512 * 360 / (256 * Math.pow(2, zoom));
      var box = [
        Math.max(-180, Math.floor(view.getWest() / step) * step),
        Math.max(-90, Math.floor(view.getSouth() / step) * step),
        Math.min(180, Math.ceil(view.getEast() / step) * step),
        Math.min(90, Math.ceil(view.getNorth() / step) * step),
      ];
      ["areas", "white-zones", "fiber-links", "hotspots", "fiber-nodes", "facilities"].forEach(
        function (key) {
          if (!self.visible(key)) return;
          var state = self.state[key];
          if (state && state.box && self._covers(state, box, zoom, key)) {
            if (key === "hotspots") self._drawCoverage();
            return;
          }
          self._fetch(key, box, zoom);
        }
      );
      this._checkIdle();
    },

    _covers: function (state, box, zoom, key) {
      var inside = state.box[0] <= box[0] && state.box[1] <= box[1] &&
        state.box[2] >= box[2] && state.box[3] >= box[3];
      if (!inside) return false;
      if (state.zoom === zoom) return true;
      // Complete point data stay valid when zooming in.
      return POINT_LAYERS[key] && !state.data.clustered && zoom > state.zoom;
    },

    _fetch: function (key, box, zoom) {
      var self = this;
      var url = this.config.urls.layer.replace("{layer}", key) +
        "?bbox=" + box.map(function (v) { return v.toFixed(6); }).join(",") + "&zoom=" + zoom;
      var previous = this.state[key] && this.state[key].controller;
      if (previous) previous.abort();
      var controller = window.AbortController ? new AbortController() : null;
      this.state[key] = this.state[key] || {};
      this.state[key].controller = controller;
      this.pending += 1;
      fetch(url, { signal: controller ? controller.signal : undefined, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          self.state[key] = { box: box, zoom: zoom, data: data, controller: null };
          self._render(key, data);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") {
            self.state[key] = null;
            self._notice(self.s.loadError);
          }
        })
        .then(function () {
          self.pending -= 1;
          self._checkIdle();
        });
    },

    _checkIdle: function () {
      var idle = this.idle();
      document.documentElement.dataset.simpulIdle = idle ? "true" : "false";
      if (idle && this.firstIdleAt === null) this.firstIdleAt = performance.now();
    },

    /** True when no layer request is scheduled or in flight. */
    idle: function () {
      return this.pending === 0 && this.timer === null;
    },

    _render: function (key, data) {
      var self = this;
      if (this.map._animatingZoom) {
        // Replacing markers during a zoom animation upsets Leaflet.markercluster.
        this.pending += 1;
        this.map.once("zoomend", function () {
          self.pending -= 1;
          self._render(key, data);
          self._checkIdle();
        });
        return;
      }
      if (key === "hotspots") return this._renderHotspots(data);
      if (this.shapeLayers[key]) {
        this.shapeLayers[key].clearLayers();
        this.shapeLayers[key].addData(data);
        if (key === "areas") this._updateLegendLevel(data.level_label);
        if (data.truncated) this._notice(this.s.zoomIn);
        return;
      }
      this._renderPoints(key, data);
    },

    // --- hotspots and coverage -----------------------------------------------------------
    _status: function (p) {
      return p.reported_down && p.status === "active" ? "reported_down" : p.status;
    },

    _color: function (status) {
      var entry = this.config.hotspotStatus[status];
      return entry ? entry.color : "#555555";
    },

    _clusterIcon: function (count, counts) {
      var self = this;
      var total = 0;
      var stops = [];
      Object.keys(this.config.hotspotStatus).forEach(function (status) {
        var n = counts[status] || 0;
        if (!n) return;
        var start = total / count * 100;
        total += n;
        stops.push(self._color(status) + " " + start.toFixed(1) + "% " +
          (total / count * 100).toFixed(1) + "%");
      });
      var size = count < 10 ? 30 : count < 100 ? 36 : count < 1000 ? 42 : 50;
      return L.divIcon({
        className: "simpul-cluster",
        iconSize: [size, size],
        html: '<div class="simpul-cluster-ring" style="background:conic-gradient(' +
          stops.join(",") + ')"><span>' + count.toLocaleString(this.lang) + "</span></div>",
      });
    },

    _renderHotspots: function (data) {
      var self = this;
      this.hotspotPoints.clearLayers();
      this.hotspotClusters.clearLayers();
      this.hotspotMarkers = {};
      var markers = [];
      data.features.forEach(function (f) {
        var p = f.properties;
        var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        if (p.cluster) {
          var marker = L.marker(latlng, { icon: self._clusterIcon(p.count, p) });
          marker.on("click", function () {
            self.map.setView(latlng, Math.min(self.map.getZoom() + 2, 18));
          });
          self.hotspotClusters.addLayer(marker);
          return;
        }
        var status = self._status(p);
        var point = L.marker(latlng, {
          simpulStatus: status,
          title: p.name,
          alt: p.name,
          icon: L.divIcon({
            className: "simpul-hotspot simpul-status-" + status.replace(/[^a-z_]/g, ""),
            iconSize: [24, 24],
            html: '<span style="background:' + self._color(status) +
              '"><i class="fa-solid fa-wifi" aria-hidden="true"></i></span>',
          }),
        });
        point.feature = f;
        point.bindPopup(function () { return self._hotspotPopup(p); });
        self.hotspotMarkers[p.id] = point;
        markers.push(point);
      });
      this.hotspotPoints.addLayers(markers);
      this.layers.hotspots = { points: markers.length, clusters: this.hotspotClusters.getLayers().length };
      if (data.clustered) this._notice(this.s.zoomIn);
      this._drawCoverage();
      this._openPending();
    },

    _drawCoverage: function () {
      var self = this;
      var group = this.groups.coverage;
      group.clearLayers();
      var state = this.state.hotspots;
      var count = 0;
      if (state && state.data && !state.data.clustered &&
          this.map.getZoom() >= this.config.coverageMinZoom) {
        var color = this._color("active");
        state.data.features.forEach(function (f) {
          var p = f.properties;
          if (self._status(p) !== "active" || !p.coverage_radius_m) return;
          group.addLayer(L.circle([f.geometry.coordinates[1], f.geometry.coordinates[0]], {
            radius: p.coverage_radius_m, color: color, weight: 1, opacity: 0.6,
            fillColor: color, fillOpacity: 0.15, interactive: false,
          }));
          count += 1;
        });
      }
      this.layers.coverage = count;
    },

    _openPending: function () {
      var id = this.openAfterLoad;
      var marker = id !== null && this.hotspotMarkers[id];
      if (!marker) return;
      this.openAfterLoad = null;
      this.hotspotPoints.zoomToShowLayer(marker, function () { marker.openPopup(); });
    },

    _hotspotPopup: function (p) {
      var s = this.s;
      var cfg = this.config;
      var status = this._status(p);
      var statusLabel = cfg.hotspotStatus[status] ? cfg.hotspotStatus[status].label : status;
      var verified = p.last_verified_on ? this._date(p.last_verified_on) : s.never;
      var rows = [
        [s.ssid, p.ssid || "—"],
        [s.operator, p.operator],
        [s.site, cfg.siteTypes[p.site_type] || p.site_type],
        [s.hours, p.opening_hours || s.unknown],
        [s.verified, verified],
      ];
      return '<div class="simpul-popup"><h3>' + esc(p.name) + "</h3>" +
        '<span class="simpul-badge" style="background:' + this._color(status) + '">' +
        esc(statusLabel) + "</span><dl>" +
        rows.map(function (r) { return "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>"; })
          .join("") +
        '</dl><a href="' + esc(cfg.urls.hotspot.replace("{id}", encodeURIComponent(p.id))) +
        '">' + esc(s.details) + '</a> · <a href="' +
        esc(cfg.urls.hotspot.replace("{id}", encodeURIComponent(p.id))) + '#lapor">' +
        esc(s.report) + "</a></div>";
    },

    // --- other point layers --------------------------------------------------------------
    _renderPoints: function (key, data) {
      var self = this;
      var layer = this.pointLayers[key];
      layer.clearLayers();
      data.features.forEach(function (f) {
        var p = f.properties;
        var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
        var marker;
        if (p.cluster) {
          marker = L.marker(latlng, { icon: self._clusterIcon(p.count, {}), keyboard: false });
          marker.on("click", function () {
            self.map.setView(latlng, Math.min(self.map.getZoom() + 2, 18));
          });
        } else if (key === "facilities") {
          var type = self.config.facilityTypes[p.facility_type] || { icon: "location-dot", color: "#555", label: p.facility_type };
          marker = L.marker(latlng, {
            title: p.name,
            alt: p.name,
            icon: L.divIcon({
              className: "simpul-facility",
              iconSize: [22, 22],
              html: '<span style="background:' + esc(type.color) + '"><i class="fa-solid fa-' +
                esc(type.icon) + '" aria-hidden="true"></i></span>',
            }),
          });
          marker.bindPopup(function () { return self._popup(key, p); });
        } else {
          var style = self.config.fiberStatus[p.status] || { color: "#6a3d9a" };
          marker = L.circleMarker(latlng, {
            radius: 5, color: "#ffffff", weight: 1.5, fillColor: style.color, fillOpacity: 1,
          });
          marker.bindPopup(function () { return self._popup(key, p); });
        }
        marker.feature = f;
        layer.addLayer(marker);
      });
      if (data.clustered) this._notice(this.s.zoomIn);
    },

    // --- styles and popups ---------------------------------------------------------------
    _coverageColor: function (pct) {
      if (pct === null || pct === undefined) return this.config.noDataColor;
      var classes = this.config.coverageClasses;
      for (var i = 0; i < classes.length; i += 1) {
        if (pct <= classes[i][0]) return classes[i][1];
      }
      return classes[classes.length - 1][1];
    },

    _styleFor: function (key) {
      var self = this;
      var cfg = this.config;
      if (key === "areas") {
        return function (feature) {
          var highlighted = cfg.highlight && feature.properties.code === cfg.highlight;
          return {
            color: highlighted ? "#08306b" : "#555555",
            weight: highlighted ? 4 : 1,
            fillColor: self._coverageColor(feature.properties.covered_pct),
            fillOpacity: 0.45,
          };
        };
      }
      if (key === "white-zones") {
        return function () {
          return { color: cfg.whiteZoneColor, weight: 1, dashArray: "3 3",
                   fillColor: cfg.whiteZoneColor, fillOpacity: 0.2 };
        };
      }
      return function (feature) {
        var style = cfg.fiberStatus[feature.properties.status] || { color: "#6a3d9a" };
        return { color: style.color, weight: 3, opacity: 0.9, dashArray: style.dashArray };
      };
    },

    _number: function (n, digits) {
      return Number(n).toLocaleString(this.lang, { maximumFractionDigits: digits || 0 });
    },

    _distance: function (m) {
      if (m < 1000) return fill(this.s.metres, { n: this._number(m) });
      return fill(this.s.kilometres, { n: this._number(m / 1000, 1) });
    },

    _surface: function (m2) {
      return m2 >= 10000 ? this._number(m2 / 10000, 1) + " ha" : this._number(m2) + " m²";
    },

    _date: function (iso) {
      var date = new Date(iso + "T00:00:00");
      return isNaN(date) ? iso : date.toLocaleDateString(this.lang, { dateStyle: "medium" });
    },

    _popup: function (key, p) {
      var s = this.s;
      var cfg = this.config;
      var title = p.name;
      var rows = [];
      var link = "";
      if (key === "areas") {
        if (p.covered_pct === null || p.covered_pct === undefined) {
          rows.push([s.coverage, s.noData]);
        } else {
          rows.push([s.coverage, this._number(p.covered_pct, 1) + " %"]);
          if (p.covered_population !== null) {
            rows.push([s.populationCovered, fill(s.people, { n: this._number(p.covered_population) }) +
              (p.covered_population_pct !== null ? " (" + this._number(p.covered_population_pct, 1) + " %)" : "")]);
          }
          rows.push([s.hotspotsActive, p.hotspots_active + " / " + p.hotspots_total]);
        }
        if (p.code && p.code.split(".").length === 4) {
          link = cfg.urls.area.replace("{code}", encodeURIComponent(p.code));
          link = '<a href="' + esc(link) + '">' + esc(s.areaPage) + "</a>";
        }
        title = p.name + " (" + p.code + ")";
      } else if (key === "white-zones") {
        title = s.whiteZone + " — " + p.area_name;
        rows.push([s.whiteZoneRank, "#" + p.rank]);
        rows.push([s.area, this._surface(p.area_m2)]);
        if (p.population !== null) rows.push([s.estPopulation, fill(s.people, { n: this._number(p.population) })]);
      } else if (key === "fiber-links") {
        rows.push([s.status, cfg.fiberStatus[p.status] ? cfg.fiberStatus[p.status].label : p.status]);
        rows.push([s.length, this._distance(p.length_m)]);
      } else if (key === "fiber-nodes") {
        rows.push([s.type, cfg.nodeTypes[p.node_type] || p.node_type]);
        rows.push([s.status, cfg.fiberStatus[p.status] ? cfg.fiberStatus[p.status].label : p.status]);
      } else if (key === "facilities") {
        var type = cfg.facilityTypes[p.facility_type];
        rows.push([s.type, type ? type.label : p.facility_type]);
        rows.push([s.governmentOffice, p.is_government_office ? s.yes : s.no]);
        rows.push([s.connectivity, cfg.connectivity[p.connectivity] || p.connectivity]);
      }
      return '<div class="simpul-popup"><h3>' + esc(title) + "</h3><dl>" +
        rows.map(function (r) { return "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>"; })
          .join("") + "</dl>" + link + "</div>";
    },

    _notice: function (text) {
      var box = this.legend.getContainer().querySelector(".simpul-notice");
      box.textContent = text;
      box.hidden = false;
      clearTimeout(this.noticeTimer);
      this.noticeTimer = setTimeout(function () { box.hidden = true; }, 6000);
    },

    // --- legend --------------------------------------------------------------------------
    _legendControl: function () {
      var self = this;
      var s = this.s;
      var cfg = this.config;
      var control = L.control({ position: "bottomright" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "simpul-legend leaflet-bar");
        var status = Object.keys(cfg.hotspotStatus).map(function (key) {
          return '<li><span class="swatch dot" style="background:' + cfg.hotspotStatus[key].color +
            '"></span>' + esc(cfg.hotspotStatus[key].label) + "</li>";
        }).join("");
        var lower = 0;
        var classes = cfg.coverageClasses.map(function (c) {
          var item = '<li><span class="swatch" style="background:' + c[1] + '"></span>' +
            lower + "–" + c[0] + " %</li>";
          lower = c[0];
          return item;
        }).join("");
        var fiber = Object.keys(cfg.fiberStatus).map(function (key) {
          var st = cfg.fiberStatus[key];
          return '<li><svg width="24" height="8" aria-hidden="true"><line x1="0" y1="4" x2="24" y2="4" stroke="' +
            st.color + '" stroke-width="3"' + (st.dashArray ? ' stroke-dasharray="' + st.dashArray + '"' : "") +
            "/></svg> " + esc(st.label) + "</li>";
        }).join("");
        div.innerHTML = '<details' + (cfg.legendOpen && window.innerWidth >= 700 ? " open" : "") + "><summary>" +
          esc(s.legend) + "</summary>" +
          "<h4>" + esc(s.hotspotsHeading) + "</h4><ul>" + status + "</ul>" +
          '<p class="small">' + esc(s.clusterNote) + "</p>" +
          '<ul><li><span class="swatch circle"></span>' + esc(s.coverageCircle) + "</li>" +
          '<li><span class="swatch" style="background:' + cfg.whiteZoneColor + ';opacity:.5"></span>' +
          esc(s.whiteZone) + "</li></ul>" +
          '<h4 class="simpul-choropleth-title">' + esc(fill(s.choroplethHeading, { level: "" })) + "</h4><ul>" +
          classes + '<li><span class="swatch" style="background:' + cfg.noDataColor + '"></span>' +
          esc(s.noData) + "</li></ul>" +
          "<h4>" + esc(s.fiberHeading) + "</h4><ul>" + fiber + "</ul></details>" +
          '<p class="simpul-notice" role="status" hidden></p>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      };
      return control;
    },

    _updateLegendLevel: function (label) {
      var title = this.legend.getContainer().querySelector(".simpul-choropleth-title");
      if (title && label) title.textContent = fill(this.s.choroplethHeading, { level: label.toLowerCase() });
    },

    // --- nearest free wifi ---------------------------------------------------------------
    _nearestControl: function () {
      var self = this;
      var s = this.s;
      var control = L.control({ position: "topleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "simpul-nearest leaflet-bar");
        div.innerHTML =
          '<button type="button" class="simpul-nearest-toggle" aria-expanded="false">' +
          '<i class="fa-solid fa-wifi" aria-hidden="true"></i> ' + esc(s.nearestTitle) + "</button>" +
          '<div class="simpul-nearest-panel" hidden>' +
          '<p class="simpul-nearest-hint">' + esc(s.nearestHint) + "</p>" +
          '<button type="button" class="simpul-locate btn btn-sm btn-primary">' +
          '<i class="fa-solid fa-location-crosshairs" aria-hidden="true"></i> ' + esc(s.myLocation) +
          "</button>" +
          '<p class="simpul-nearest-status" role="status"></p>' +
          '<ol class="simpul-nearest-results"></ol></div>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        var toggle = div.querySelector(".simpul-nearest-toggle");
        var panel = div.querySelector(".simpul-nearest-panel");
        toggle.addEventListener("click", function () {
          var open = panel.hidden;
          panel.hidden = !open;
          toggle.setAttribute("aria-expanded", String(open));
          self.picking = open;
          self.map.getContainer().classList.toggle("simpul-picking", open);
        });
        div.querySelector(".simpul-locate").addEventListener("click", function () { self.locate(); });
        self.nearestBox = div;
        return div;
      };
      this.picking = false;
      this.map.on("click", function (event) {
        if (!self.picking) return;
        self.nearest(event.latlng.lat, event.latlng.lng);
      });
      return control;
    },

    _nearestStatus: function (text) {
      this.nearestBox.querySelector(".simpul-nearest-status").textContent = text;
    },

    /** Find the nearest hotspots to the browser's position. */
    locate: function () {
      var self = this;
      if (!navigator.geolocation) {
        this._nearestStatus(this.s.noGeolocation);
        return;
      }
      this._nearestStatus(this.s.locating);
      navigator.geolocation.getCurrentPosition(
        function (position) {
          self.map.setView([position.coords.latitude, position.coords.longitude],
            Math.max(self.map.getZoom(), 16));
          self.nearest(position.coords.latitude, position.coords.longitude);
        },
        function (error) {
          self._nearestStatus(fill(self.s.geolocationFailed, { reason: error.message }));
        },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    },

    /** Find and list the active free hotspots nearest to (lat, lon). Returns a promise. */
    nearest: function (lat, lon) {
      var self = this;
      var s = this.s;
      var list = this.nearestBox.querySelector(".simpul-nearest-results");
      list.innerHTML = "";
      this._nearestStatus(s.searching);
      if (this.nearestPoint) this.map.removeLayer(this.nearestPoint);
      this.nearestPoint = L.circleMarker([lat, lon], {
        radius: 7, color: "#08306b", weight: 3, fillColor: "#ffffff", fillOpacity: 1,
      }).bindTooltip(s.yourPoint).addTo(this.map);
      var url = this.config.urls.nearest + "?lat=" + lat.toFixed(6) + "&lon=" + lon.toFixed(6) +
        "&limit=5&status=active";
      return fetch(url, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) throw new Error(response.status);
          return response.json();
        })
        .then(function (data) {
          var features = Array.isArray(data) ? data : data.features || [];
          self._nearestStatus(features.length ? "" : s.noResults);
          features.forEach(function (f) {
            var p = f.properties;
            var to = f.geometry.coordinates;
            var directions = self.config.urls.directions
              .replace("{from_lat}", lat.toFixed(6)).replace("{from_lon}", lon.toFixed(6))
              .replace("{to_lat}", to[1]).replace("{to_lon}", to[0]);
            var item = document.createElement("li");
            item.dataset.hotspotId = f.id !== undefined ? f.id : p.id;
            item.innerHTML = '<button type="button" class="simpul-nearest-name">' + esc(p.name) +
              "</button> <span class=\"simpul-distance\">" + esc(self._distance(p.distance_m)) +
              "</span><br><small>" + esc(p.ssid || "") + "</small> " +
              '<a href="' + esc(directions) + '" target="_blank" rel="noopener noreferrer">' +
              '<i class="fa-solid fa-person-walking" aria-hidden="true"></i> ' + esc(s.walk) + "</a>";
            item.querySelector("button").addEventListener("click", function () {
              self.showHotspot(item.dataset.hotspotId, to[1], to[0]);
            });
            list.appendChild(item);
          });
          return features;
        })
        .catch(function () {
          self._nearestStatus(s.loadError);
          return [];
        });
    },

    /** Centre the map on a hotspot and open its popup once it is loaded. */
    showHotspot: function (id, lat, lon) {
      this.openAfterLoad = String(id);
      if (!this.map.hasLayer(this.groups.hotspots)) this.map.addLayer(this.groups.hotspots);
      this.map.setView([lat, lon], Math.max(this.map.getZoom(), 17));
      this._openPending();
    },

    // --- search --------------------------------------------------------------------------
    _searchControl: function () {
      var self = this;
      var s = this.s;
      var control = L.control({ position: "topleft" });
      control.onAdd = function () {
        var div = L.DomUtil.create("div", "simpul-search leaflet-bar");
        div.innerHTML = '<form role="search"><label class="visually-hidden" for="simpul-search-input">' +
          esc(s.searchLabel) + '</label><input id="simpul-search-input" type="search" autocomplete="off" placeholder="' +
          esc(s.searchPlaceholder) + '"></form><ul class="simpul-search-results" hidden></ul>';
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        var input = div.querySelector("input");
        var results = div.querySelector("ul");
        var timer = null;
        div.querySelector("form").addEventListener("submit", function (event) {
          event.preventDefault();
          var first = results.querySelector("button");
          if (first) first.click();
        });
        input.addEventListener("input", function () {
          clearTimeout(timer);
          var text = input.value.trim();
          if (text.length < 2) { results.hidden = true; return; }
          timer = setTimeout(function () { self.search(text, results); }, 250);
        });
        return div;
      };
      return control;
    },

    /** Look up areas and hotspots and list them under the search box. */
    search: function (text, results) {
      var self = this;
      var s = this.s;
      return fetch(this.config.urls.search + "?q=" + encodeURIComponent(text))
        .then(function (response) { return response.json(); })
        .then(function (data) {
          results.innerHTML = "";
          (data.areas || []).forEach(function (a) {
            self._searchItem(results, a.name, a.kind + (a.parent ? " · " + a.parent : ""), function () {
              self.map.fitBounds([[a.bbox[1], a.bbox[0]], [a.bbox[3], a.bbox[2]]]);
            });
          });
          (data.hotspots || []).forEach(function (h) {
            self._searchItem(results, h.name, (h.ssid ? h.ssid + " · " : "") + (h.area_name || ""), function () {
              self.showHotspot(h.id, h.lat, h.lon);
            });
          });
          if (!results.children.length) {
            var none = document.createElement("li");
            none.textContent = s.searchNone;
            results.appendChild(none);
          }
          results.hidden = false;
        });
    },

    _searchItem: function (list, title, detail, action) {
      var item = document.createElement("li");
      var button = document.createElement("button");
      button.type = "button";
      var strong = document.createElement("strong");
      strong.textContent = title;
      var small = document.createElement("small");
      small.textContent = detail;
      button.appendChild(strong);
      button.appendChild(document.createElement("br"));
      button.appendChild(small);
      button.addEventListener("click", function () { list.hidden = true; action(); });
      item.appendChild(button);
      list.appendChild(item);
    },

    // --- for tests and benchmarks --------------------------------------------------------
    /** Number of features drawn per layer (hotspot points and server clusters apart). */
    counts: function () {
      var self = this;
      var result = {
        hotspots: this.layers.hotspots.points,
        hotspotClusters: this.layers.hotspots.clusters,
        coverage: this.layers.coverage,
      };
      Object.keys(this.shapeLayers).forEach(function (key) {
        result[key] = self.map.hasLayer(self.groups[key]) ? self.shapeLayers[key].getLayers().length : 0;
      });
      Object.keys(this.pointLayers).forEach(function (key) {
        result[key] = self.map.hasLayer(self.groups[key]) ? self.pointLayers[key].getLayers().length : 0;
      });
      if (!this.map.hasLayer(this.groups.hotspots)) {
        result.hotspots = 0;
        result.hotspotClusters = 0;
      }
      if (!this.map.hasLayer(this.groups.coverage)) result.coverage = 0;
      return result;
    },
  };

  window.Simpul = {
    esc: esc,
    /** Attach viewport loading, legend, search and nearest wifi to a folium map. */
    viewportMap: function (map, groups, config) { return new Viewport(map, groups, config); },
  };
})();
