/**
 * The legend control (bottom right): hotspot statuses, coverage classes, white zones and
 * fiber, with a notice line under it for messages such as "zoom in".
 */

import { esc, fill } from "./format.js";

/** The legend's HTML for the map's `config`. */
function legendHtml(config) {
  const s = config.strings;
  const status = Object.keys(config.hotspotStatus).map((key) =>
    '<li><span class="swatch dot" style="background:' + config.hotspotStatus[key].color +
      '"></span>' + esc(config.hotspotStatus[key].label) + "</li>"
  ).join("");
  let lower = 0;
  const classes = config.coverageClasses.map((c) => {
    const item = '<li><span class="swatch" style="background:' + c[1] + '"></span>' +
      lower + "–" + c[0] + " %</li>";
    lower = c[0];
    return item;
  }).join("");
  const fiber = Object.keys(config.fiberStatus).map((key) => {
    const st = config.fiberStatus[key];
    return '<li><svg width="24" height="8" aria-hidden="true"><line x1="0" y1="4" x2="24" y2="4" stroke="' +
      st.color + '" stroke-width="3"' + (st.dashArray ? ' stroke-dasharray="' + st.dashArray + '"' : "") +
      "/></svg> " + esc(st.label) + "</li>";
  }).join("");
  return "<details" + (config.legendOpen && window.innerWidth >= 700 ? " open" : "") + "><summary>" +
    esc(s.legend) + "</summary>" +
    "<h4>" + esc(s.hotspotsHeading) + "</h4><ul>" + status + "</ul>" +
    '<p class="small">' + esc(s.clusterNote) + "</p>" +
    '<ul><li><span class="swatch circle"></span>' + esc(s.coverageCircle) + "</li>" +
    '<li><span class="swatch" style="background:' + config.whiteZoneColor + ';opacity:.5"></span>' +
    esc(s.whiteZone) + "</li></ul>" +
    '<h4 class="simpul-choropleth-title">' + esc(fill(s.choroplethHeading, { level: "" })) + "</h4><ul>" +
    classes + '<li><span class="swatch" style="background:' + config.noDataColor + '"></span>' +
    esc(s.noData) + "</li></ul>" +
    "<h4>" + esc(s.fiberHeading) + "</h4><ul>" + fiber + "</ul></details>" +
    '<p class="simpul-notice" role="status" hidden></p>';
}

/**
 * Add the legend to `map`. Returns notice(text), which shows a message for six seconds,
 * and setLevel(label), which names the area level in the choropleth's heading.
 */
export function addLegend(map, config) {
  const control = L.control({ position: "bottomright" });
  control.onAdd = () => {
    const div = L.DomUtil.create("div", "simpul-legend leaflet-bar");
    div.innerHTML = legendHtml(config);
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    return div;
  };
  control.addTo(map);
  const container = control.getContainer();
  let noticeTimer = null;
  return {
    notice(text) {
      const box = container.querySelector(".simpul-notice");
      box.textContent = text;
      box.hidden = false;
      clearTimeout(noticeTimer);
      noticeTimer = setTimeout(() => { box.hidden = true; }, 6000);
    },
    setLevel(label) {
      const title = container.querySelector(".simpul-choropleth-title");
      if (title && label) {
        title.textContent = fill(config.strings.choroplethHeading, { level: label.toLowerCase() });
      }
    },
  };
}
