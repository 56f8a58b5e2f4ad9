// The /map page: layers reloaded for the visible box, filters without a page reload, search,
// and enterprises in a drawn rectangle or around a point. Needs registry-map.js first.
(function () {
  "use strict";
  if (!window.RegistryMap) { return; }

  function clampBox(bounds) {
    var west = Math.max(bounds.getWest(), -180), east = Math.min(bounds.getEast(), 180);
    var south = Math.max(bounds.getSouth(), -90), north = Math.min(bounds.getNorth(), 90);
    if (west >= east || south >= north) { return null; }
    return [west, south, east, north].map(function (v) { return v.toFixed(5); }).join(",");
  }

  function query(base, params) {
    var search = new URLSearchParams();
    Object.keys(params).forEach(function (key) {
      if (params[key] !== "" && params[key] !== null && params[key] !== undefined) { search.set(key, params[key]); }
    });
    var text = search.toString();
    return text ? base + "?" + text : base;
  }

  // One loader per layer: refetch only when the view leaves what was loaded, or zooms in on shapes
  // simplified for a lower zoom (zones) or on counts per grid cell (enterprises in a dense view).
  function loader(instance, layer, url, keys, byZoom) {
    var loaded = null, loadedZoom = null, controller = null, last = null;
    return function (filters, force) {
      var map = instance.map;
      var view = map.getBounds();
      var zoom = map.getZoom();
      var sharper = typeof byZoom === "function" ? byZoom(last) : byZoom;
      if (!force && loaded && loaded.contains(view) && (!sharper || zoom <= loadedZoom)) { return Promise.resolve(last); }
      var padded = view.pad(0.5);
      var box = clampBox(padded);
      var params = { bbox: box };
      keys.forEach(function (key) { params[key] = filters[key]; });
      params.zoom = zoom;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      return instance.helpers.fetchJson(query(url, params), controller && controller.signal).then(function (collection) {
        loaded = padded; loadedZoom = zoom; last = collection;
        layer.set(collection);
        return collection;
      });
    };
  }

  function filtersFrom(form) {
    var values = {};
    new FormData(form).forEach(function (value, key) { values[key] = String(value).trim(); });
    return values;
  }

  function setUpFull(instance) {
    var config = instance.config, labels = config.labels, helpers = instance.helpers, map = instance.map;
    var zones = instance.layers[0], enterprises = instance.layers[1];
    var loadZones = loader(instance, zones, config.api.zones, ["province", "kind", "catalog", "min_available_ha"], true);
    var loadEnterprises = loader(instance, enterprises, config.api.enterprises, ["province", "catalog"],
                                 function (last) { return Boolean(last && last.clustered); });
    var filters = config.filters || {};

    function reload(force) {
      helpers.status(labels.loading);
      return helpers.track(Promise.all([loadZones(filters, force), loadEnterprises(filters, force)]).then(function (answers) {
        var points = answers[1];
        if (points && points.clustered) { helpers.status(helpers.fill(labels.clustered, points.total, config)); return; }
        helpers.status(points && points.truncated ? helpers.fill(labels.truncated, points.features.length, config) : "");
      }, function (error) {
        if (error && error.name === "AbortError") { return; }
        helpers.status(labels.load_failed);
      }));
    }

    // After a filter change, show where the matching zones are before loading the view.
    function refit() {
      var url = query(config.api.zones, { province: filters.province, kind: filters.kind, catalog: filters.catalog,
                                          min_available_ha: filters.min_available_ha, zoom: 6 });
      return helpers.track(helpers.fetchJson(url).then(function (collection) {
        if (!collection.features.length) { return; }
        var bounds = L.geoJSON(collection).getBounds();
        if (bounds.isValid()) { map.fitBounds(bounds, { maxZoom: 12, padding: [12, 12] }); }
      }, function () { /* the view stays where it is */ }));
    }

    map.on("moveend", function () { reload(false); });
    var start = Object.keys(filters).length ? refit() : Promise.resolve();
    start.then(function () { reload(true); });

    var form = document.querySelector("form[data-map-filters]");
    if (form) {
      form.addEventListener("submit", function (event) {
        if (!form.checkValidity()) { return; }
        event.preventDefault();
        filters = filtersFrom(form);
        var shown = query(form.getAttribute("action"), filters);
        history.replaceState(null, "", shown);
        refreshUnplaced(helpers, shown);
        refit().then(function () { reload(true); });
      });
    }
    setUpSearch(instance);
    setUpArea(instance);
  }

  // The list of zones the map cannot draw follows the filters: the server renders it again for them.
  function refreshUnplaced(helpers, shown) {
    var section = document.querySelector("[data-map-unplaced]");
    if (!section) { return; }
    var url = section.getAttribute("data-map-unplaced");
    var search = shown.indexOf("?") >= 0 ? shown.slice(shown.indexOf("?")) : "";
    helpers.track(fetch(url + search, { headers: { "Accept": "text/html" } }).then(function (response) {
      return response.ok ? response.text() : Promise.reject(response.status);
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-map-unplaced]");
      if (fresh) { section.replaceWith(fresh); }
    }, function () { /* the list stays as it was */ }));
  }

  function flyToFeature(instance, feature, popup) {
    var map = instance.map;
    var shape = L.geoJSON(feature);
    var bounds = shape.getBounds();
    if (!bounds.isValid()) { return; }
    if (feature.geometry.type === "Point") { map.setView(bounds.getCenter(), 14); } else { map.fitBounds(bounds, { maxZoom: 15 }); }
    L.popup().setLatLng(bounds.getCenter()).setContent(popup).openOn(map);
  }

  function resultButton(text, onChoose) {
    var item = document.createElement("li");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = text;
    button.addEventListener("click", onChoose);
    item.appendChild(button);
    return item;
  }

  function setUpSearch(instance) {
    var form = document.querySelector("form[data-map-search]");
    if (!form) { return; }
    var config = instance.config, labels = config.labels, helpers = instance.helpers;
    var list = form.querySelector("[data-map-search-results]");
    form.addEventListener("submit", function (event) {
      var q = form.querySelector("input[name=q]").value.trim();
      if (!q) { return; }
      event.preventDefault();
      list.textContent = "";
      var zoneUrl = query(config.api.zones, { q: q, zoom: 12 });
      var enterpriseUrl = query(config.api.enterpriseSearch, { q: q, per_page: 8 });
      Promise.all([helpers.fetchJson(zoneUrl), helpers.fetchJson(enterpriseUrl)]).then(function (answers) {
        var choices = [];
        answers[0].features.slice(0, 8).forEach(function (feature) {
          choices.push({ text: labels.zone + ": " + feature.properties.name, go: function () {
            flyToFeature(instance, feature, helpers.zonePopup(feature.properties, config));
          } });
        });
        answers[1].items.forEach(function (item) {
          if (!item.location) { return; }
          var name = (config.locale === "en" && item.name_en) || item.name_vi;
          var feature = { type: "Feature", geometry: { type: "Point", coordinates: [item.location.lng, item.location.lat] },
                          properties: { id: item.id, name: name, url: item.url } };
          choices.push({ text: labels.enterprise + ": " + name, go: function () {
            flyToFeature(instance, feature, helpers.enterprisePopup(feature.properties, config));
          } });
        });
        if (!choices.length) { list.appendChild(helpers.element("li", "", labels.no_results)); return; }
        choices.forEach(function (choice) { list.appendChild(resultButton(choice.text, choice.go)); });
        choices[0].go();
      }, function () { list.appendChild(helpers.element("li", "", labels.load_failed)); });
    });
  }

  function setUpArea(instance) {
    var panel = document.querySelector("[data-map-area]");
    if (!panel) { return; }
    panel.hidden = false;
    var config = instance.config, labels = config.labels, helpers = instance.helpers, map = instance.map;
    var statusLine = panel.querySelector("[data-area-status]");
    var list = panel.querySelector("[data-area-results]");
    var radiusInput = panel.querySelector("#map-radius");
    var shape = null, mode = null, start = null;

    function press(name) {
      mode = name;
      panel.querySelectorAll("button[aria-pressed]").forEach(function (button) {
        button.setAttribute("aria-pressed", button.getAttribute("data-area") === name ? "true" : "false");
      });
      map.getContainer().classList.toggle("is-picking", Boolean(name));
      if (name === "rectangle") { map.dragging.disable(); map.boxZoom.disable(); } else { map.dragging.enable(); map.boxZoom.enable(); }
    }

    function show(params) {
      statusLine.textContent = labels.loading;
      list.textContent = "";
      helpers.fetchJson(query(config.api.enterprises, Object.assign({ limit: 500 }, params))).then(function (collection) {
        var count = collection.features.length;
        statusLine.textContent = count ? helpers.fill(labels.results, count, config) : labels.no_results;
        if (collection.truncated) { statusLine.textContent += " " + helpers.fill(labels.truncated, count, config); }
        collection.features.forEach(function (feature) {
          var item = document.createElement("li");
          var anchor = helpers.link(feature.properties.url, feature.properties.name);
          item.appendChild(anchor || helpers.element("span", "", feature.properties.name));
          list.appendChild(item);
        });
      }, function () { statusLine.textContent = labels.load_failed; });
    }

    function draw(layer) {
      if (shape) { map.removeLayer(shape); }
      shape = layer.addTo(map);
    }

    function searchCircle(latlng) {
      var km = parseFloat(radiusInput.value);
      if (!(km > 0 && km <= 200)) { radiusInput.reportValidity(); return; }
      draw(L.circle(latlng, { radius: km * 1000, color: "#000000", weight: 2, fillOpacity: 0.05 }));
      show({ near: latlng.lat.toFixed(5) + "," + latlng.lng.toFixed(5), radius_km: km });
    }

    panel.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-area]");
      if (!button) { return; }
      var name = button.getAttribute("data-area");
      if (name === "view") {
        press(null);
        draw(L.rectangle(map.getBounds(), { color: "#000000", weight: 2, fillOpacity: 0.05 }));
        show({ bbox: clampBox(map.getBounds()) });
      } else if (name === "radius" && event.detail === 0) {
        press(null);  // from the keyboard: no pointer to click with, so search around the map's centre
        searchCircle(map.getCenter());
      } else {
        press(mode === name ? null : name);
        statusLine.textContent = mode === "rectangle" ? labels.draw_hint : mode === "radius" ? labels.click_hint : "";
      }
    });

    map.on("mousedown", function (event) {
      if (mode !== "rectangle") { return; }
      start = event.latlng;
      draw(L.rectangle(L.latLngBounds(start, start), { color: "#000000", weight: 2, fillOpacity: 0.05 }));
    });
    map.on("mousemove", function (event) {
      if (mode === "rectangle" && start && shape) { shape.setBounds(L.latLngBounds(start, event.latlng)); }
    });
    map.on("mouseup", function (event) {
      if (mode !== "rectangle" || !start) { return; }
      var bounds = L.latLngBounds(start, event.latlng);
      start = null;
      press(null);
      var box = clampBox(bounds);
      if (box) { show({ bbox: box }); }
    });
    map.on("click", function (event) {
      if (mode !== "radius") { return; }
      press(null);
      searchCircle(event.latlng);
    });
  }

  window.RegistryMap.each(function (instance) {
    if (instance.config.mode === "full") { setUpFull(instance); }
  });
})();
