/**
 * The HTML of feature popups. Every text that comes from data goes through esc().
 */

import { esc, fill } from "./format.js";
import { hotspotStatus, statusColor } from "./styles.js";

/** A definition list of [label, value] rows, both escaped. */
function rowsHtml(rows) {
  return "<dl>" + rows.map((r) => "<dt>" + esc(r[0]) + "</dt><dd>" + esc(r[1]) + "</dd>")
    .join("") + "</dl>";
}

/**
 * Popup builders for the map's `config` and `format` (from formatters): hotspot(p) for a
 * hotspot's properties, feature(key, p) for a feature of any other layer.
 */
export function popups(config, format) {
  const s = config.strings;
  const label = (choices, value) => (choices[value] ? choices[value].label : value);

  function hotspot(p) {
    const status = hotspotStatus(p);
    const page = config.urls.hotspot.replace("{id}", encodeURIComponent(p.id));
    return '<div class="simpul-popup"><h3>' + esc(p.name) + "</h3>" +
      '<span class="simpul-badge" style="background:' + statusColor(config, status) + '">' +
      esc(label(config.hotspotStatus, status)) + "</span>" +
      rowsHtml([
        [s.ssid, p.ssid || "—"],
        [s.operator, p.operator],
        [s.site, config.siteTypes[p.site_type] || p.site_type],
        [s.hours, p.opening_hours || s.unknown],
        [s.verified, p.last_verified_on ? format.date(p.last_verified_on) : s.never],
      ]) +
      '<a href="' + esc(page) + '">' + esc(s.details) + '</a> · <a href="' +
      esc(page) + '#lapor">' + esc(s.report) + "</a></div>";
  }

  function areaRows(p, rows) {
    if (p.covered_pct === null || p.covered_pct === undefined) {
      rows.push([s.coverage, s.noData]);
      return;
    }
    rows.push([s.coverage, format.number(p.covered_pct, 1) + " %"]);
    if (p.covered_population !== null) {
      rows.push([s.populationCovered, fill(s.people, { n: format.number(p.covered_population) }) +
        (p.covered_population_pct !== null
          ? " (" + format.number(p.covered_population_pct, 1) + " %)" : "")]);
    }
    rows.push([s.hotspotsActive, p.hotspots_active + " / " + p.hotspots_total]);
  }

  function feature(key, p) {
    let title = p.name;
    const rows = [];
    let link = "";
    if (key === "areas") {
      areaRows(p, rows);
      if (p.code && p.code.split(".").length === 4) {
        const page = config.urls.area.replace("{code}", encodeURIComponent(p.code));
        link = '<a href="' + esc(page) + '">' + esc(s.areaPage) + "</a>";
      }
      title = p.name + " (" + p.code + ")";
    } else if (key === "white-zones") {
      title = s.whiteZone + " — " + p.area_name;
      rows.push([s.whiteZoneRank, "#" + p.rank]);
      rows.push([s.area, format.surface(p.area_m2)]);
      if (p.population !== null) {
        rows.push([s.estPopulation, fill(s.people, { n: format.number(p.population) })]);
      }
    } else if (key === "fiber-links") {
      rows.push([s.status, label(config.fiberStatus, p.status)]);
      rows.push([s.length, format.distance(p.length_m)]);
    } else if (key === "fiber-nodes") {
      rows.push([s.type, config.nodeTypes[p.node_type] || p.node_type]);
      rows.push([s.status, label(config.fiberStatus, p.status)]);
    } else if (key === "facilities") {
      rows.push([s.type, label(config.facilityTypes, p.facility_type)]);
      rows.push([s.governmentOffice, p.is_government_office ? s.yes : s.no]);
      rows.push([s.connectivity, config.connectivity[p.connectivity] || p.connectivity]);
    }
    return '<div class="simpul-popup"><h3>' + esc(title) + "</h3>" + rowsHtml(rows) + link +
      "</div>";
  }

  return { hotspot, feature };
}
