/**
 * Search (top left): areas and hotspots matching the typed text, listed under the box;
 * choosing one fits the map to the area or opens the hotspot. Results are built with
 * textContent, never innerHTML.
 */

import { esc } from "./format.js";

/** Append a result button (`title` over `detail`) to `list`; a click hides the list and
 * runs `action`. */
function resultItem(list, title, detail, action) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  const strong = document.createElement("strong");
  strong.textContent = title;
  const small = document.createElement("small");
  small.textContent = detail;
  button.appendChild(strong);
  button.appendChild(document.createElement("br"));
  button.appendChild(small);
  button.addEventListener("click", () => { list.hidden = true; action(); });
  item.appendChild(button);
  list.appendChild(item);
}

/**
 * Add the search control to view.map. `showHotspot(id, lat, lon)` opens a hotspot. Returns
 * search(text, results), which lists the matches of `text` in the list element `results`.
 */
export function addSearch(view, showHotspot) {
  const { map, config } = view;
  const s = config.strings;

  /** Look up areas and hotspots and list them under the search box. */
  function search(text, results) {
    return fetch(config.urls.search + "?q=" + encodeURIComponent(text))
      .then((response) => response.json())
      .then((data) => {
        results.innerHTML = "";
        (data.areas || []).forEach((a) => {
          resultItem(results, a.name, a.kind + (a.parent ? " · " + a.parent : ""), () => {
            map.fitBounds([[a.bbox[1], a.bbox[0]], [a.bbox[3], a.bbox[2]]]);
          });
        });
        (data.hotspots || []).forEach((h) => {
          resultItem(results, h.name, (h.ssid ? h.ssid + " · " : "") + (h.area_name || ""), () => {
            showHotspot(h.id, h.lat, h.lon);
          });
        });
        if (!results.children.length) {
          const none = document.createElement("li");
          none.textContent = s.searchNone;
          results.appendChild(none);
        }
        results.hidden = false;
      });
  }

  const control = L.control({ position: "topleft" });
  control.onAdd = () => {
    const div = L.DomUtil.create("div", "simpul-search leaflet-bar");
    div.innerHTML = '<form role="search"><label class="visually-hidden" for="simpul-search-input">' +
      esc(s.searchLabel) + '</label><input id="simpul-search-input" type="search" autocomplete="off" placeholder="' +
      esc(s.searchPlaceholder) + '"></form><ul class="simpul-search-results" hidden></ul>';
    L.DomEvent.disableClickPropagation(div);
    L.DomEvent.disableScrollPropagation(div);
    const input = div.querySelector("input");
    const results = div.querySelector("ul");
    let timer = null;
    div.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const first = results.querySelector("button");
      if (first) first.click();
    });
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2) { results.hidden = true; return; }
      timer = setTimeout(() => { search(text, results); }, 250);
    });
    return div;
  };
  control.addTo(map);
  return { search };
}
