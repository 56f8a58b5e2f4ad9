// Draw the registry's maps: GeoJSON layers fetched from our API, popups, legend and full screen.
// Folium's inline script creates each Leaflet map and its settings (registryMapConfig_<map id>);
// this deferred script finds them. User text only ever reaches the page through textContent.
(function () {
  "use strict";
  var PREFIX = "registryMapConfig_";
  var instances = [];
  var waiting = [];

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  // Leaflet's layer control writes layer names as HTML; names may carry a zone's name.
  function escapeHtml(value) {
    return String(value).replace(/[&<>"'`$]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }

  function safeHref(url) {
    if (typeof url !== "string" || !url) { return null; }
    try {
      var parsed = new URL(url, window.location.href);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (error) { return null; }
  }

  function formatNumber(config, value, digits) {
    return new Intl.NumberFormat(config.locale, { maximumFractionDigits: digits }).format(value);
  }

  function fill(template, count, config) {
    return template.replace("{count}", formatNumber(config, count, 0));
  }

  function link(url, label) {
    var href = safeHref(url);
    if (!href) { return null; }
    var anchor = element("a", "", label);
    anchor.href = href;
    return anchor;
  }

  function row(list, label, value) {
    list.appendChild(element("dt", "", label));
    list.appendChild(element("dd", "", value));
  }

  function zonePopup(props, config) {
    var labels = config.labels;
    var box = element("div", "map-popup");
    box.appendChild(element("strong", "map-popup-title", props.name));
    var list = element("dl");
    if (props.kind_label || props.kind) { row(list, labels.kind, props.kind_label || props.kind); }
    if (typeof props.available_ha === "number") {
      row(list, labels.available, formatNumber(config, props.available_ha, 2) + " " + labels.hectares);
    }
    if (typeof props.occupancy === "number") {
      row(list, labels.occupancy, formatNumber(config, props.occupancy, 1) + " %");
    }
    box.appendChild(list);
    if (props.approximate) { box.appendChild(element("p", "map-popup-note", labels.approximate)); }
    var anchor = link(props.url, labels.open);
    if (anchor) { box.appendChild(anchor); }
    return box;
  }

  function enterprisePopup(props, config) {
    var box = element("div", "map-popup");
    box.appendChild(element("strong", "map-popup-title", props.name));
    if (typeof props.distance_km === "number") {
      box.appendChild(element("p", "", config.labels.distance + ": " + formatNumber(config, props.distance_km, 1) + " " + config.labels.km));
    }
    var anchor = link(props.url, config.labels.open);
    if (anchor) { box.appendChild(anchor); }
    return box;
  }

  function incubatorPopup(props, config) {
    var labels = config.labels;
    var box = element("div", "map-popup");
    box.appendChild(element("strong", "map-popup-title", props.name));
    var list = element("dl");
    if (props.host) { row(list, labels.host, props.host); }
    if (typeof props.active === "number") { row(list, labels.incubatees_active, formatNumber(config, props.active, 0)); }
    if (typeof props.graduated === "number") { row(list, labels.graduates, formatNumber(config, props.graduated, 0)); }
    box.appendChild(list);
    if (props.demo) { box.appendChild(element("p", "map-popup-note", labels.demo)); }
    var anchor = link(props.url, labels.open);
    if (anchor) { box.appendChild(anchor); }
    return box;
  }

  function kindColour(config, kind) {
    for (var i = 0; i < config.legend.length; i++) {
      if (config.legend[i].kind === kind) { return config.legend[i].colour; }
    }
    return "#333333";
  }

  var FIXED_STYLES = {
    boundary_old: { color: "#555555", weight: 2, dashArray: "4 4", fillOpacity: 0.05 },
    boundary_new: { color: "#D55E00", weight: 3, fillOpacity: 0.2 },
    province: { color: "#333333", weight: 2, fill: false },
    incubator: { color: "#CC79A7", fillColor: "#CC79A7", weight: 2, fillOpacity: 0.8 }
  };
  var OUTLINE_STYLE = { color: "#6b6b6b", weight: 1, opacity: 0.8, fill: false };

  function pathStyle(style, config) {
    return function (feature) {
      if (FIXED_STYLES[style]) { return FIXED_STYLES[style]; }
      var props = feature.properties || {};
      var colour = kindColour(config, props.kind);
      return { color: colour, fillColor: colour, weight: 2, fillOpacity: 0.25, dashArray: props.approximate ? "6 4" : null };
    };
  }

  // A grid cell of the enterprise layer (properties.count > 1) stands for that many enterprises.
  function countOf(marker) { return marker.options.count || 1; }

  function clusterIcon(count, config) {
    var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
    var inner = element("div");
    inner.appendChild(element("span", "", formatNumber(config, count, 0)));
    return L.divIcon({ html: inner, className: "marker-cluster marker-cluster-" + size, iconSize: L.point(40, 40) });
  }

  function cellMarker(feature, latlng, config, map) {
    var props = feature.properties;
    var label = fill(config.labels.cell, props.count, config);
    var marker = L.marker(latlng, { icon: clusterIcon(props.count, config), count: props.count, title: label, alt: label, keyboard: true });
    marker.on("click", function () {
      var b = props.bbox;
      if (b && b.length === 4) { map.fitBounds([[b[1], b[0]], [b[3], b[2]]]); } else { map.setView(latlng, map.getZoom() + 2); }
    });
    return marker;
  }

  function makeLayer(spec, config, map) {
    if (spec.style === "enterprise") {
      var clustered = typeof L.markerClusterGroup === "function";
      var group = clustered ? L.markerClusterGroup({
        chunkedLoading: true, showCoverageOnHover: false,
        iconCreateFunction: function (cluster) {
          return clusterIcon(cluster.getAllChildMarkers().reduce(function (sum, m) { return sum + countOf(m); }, 0), config);
        }
      }) : L.featureGroup();
      return {
        spec: spec,
        group: group,
        set: function (collection) {
          group.clearLayers();
          var markers = [];
          (collection.features || []).forEach(function (feature) {
            var c = feature.geometry && feature.geometry.coordinates;
            if (!c) { return; }
            var props = feature.properties || {};
            if (props.count > 1) { markers.push(cellMarker(feature, L.latLng(c[1], c[0]), config, map)); return; }
            var marker = L.marker([c[1], c[0]], { title: String(props.name || ""), alt: String(props.name || "") });
            // Built when opened: thousands of popups made up front would cost seconds.
            marker.bindPopup(function () { return enterprisePopup(props, config); });
            markers.push(marker);
          });
          if (clustered) { group.addLayers(markers); } else { markers.forEach(function (m) { group.addLayer(m); }); }
        }
      };
    }
    var geojson = L.geoJSON(null, {
      style: pathStyle(spec.style, config),
      interactive: spec.style !== "province",
      pointToLayer: function (feature, latlng) {
        var style = pathStyle(spec.style, config)(feature);
        // Incubators draw in a pane of their own, above the zones, after them in the page.
        var pane = spec.style === "incubator" ? incubatorPane(map) : "overlayPane";
        return L.circleMarker(latlng, L.extend({ radius: 8, fillOpacity: 0.6, pane: pane }, style));
      },
      onEachFeature: function (feature, layer) {
        var popup = spec.style === "incubator" ? incubatorPopup : zonePopup;
        layer.bindPopup(function () { return popup(feature.properties || {}, config); });
      }
    });
    return {
      spec: spec,
      group: geojson,
      set: function (collection) { geojson.clearLayers(); geojson.addData(collection); }
    };
  }

  // The legend folds away behind a button (aria-expanded), so a small map keeps its view; open at first on the full map.
  var legendCount = 0;
  function legendControl(config) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = element("div", "map-legend leaflet-bar");
      var listId = "map-legend-" + (++legendCount);
      var button = element("button", "map-legend-toggle", config.labels.legend);
      button.type = "button";
      button.setAttribute("aria-controls", listId);
      box.appendChild(button);
      var list = element("ul");
      list.id = listId;
      config.legend.forEach(function (entry) {
        var item = element("li");
        var swatch = element("span", "map-swatch");
        swatch.style.backgroundColor = entry.colour;
        swatch.style.borderColor = entry.colour;
        swatch.setAttribute("aria-hidden", "true");
        item.appendChild(swatch);
        item.appendChild(element("span", "", entry.label));
        list.appendChild(item);
      });
      var approximate = element("li");
      var dashed = element("span", "map-swatch map-swatch-approximate");
      dashed.setAttribute("aria-hidden", "true");
      approximate.appendChild(dashed);
      approximate.appendChild(element("span", "", config.labels.approximate));
      list.appendChild(approximate);
      box.appendChild(list);
      function show(open) {
        button.setAttribute("aria-expanded", open ? "true" : "false");
        list.hidden = !open;
        box.classList.toggle("is-folded", !open);
      }
      button.addEventListener("click", function () { show(list.hidden); });
      show(config.mode === "full");
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    return control;
  }

  // Four corners, drawn rather than taken from a font that may lack the glyph.
  function cornersIcon() {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", "M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5");
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", "currentColor");
    path.setAttribute("stroke-width", "2");
    svg.appendChild(path);
    return svg;
  }

  function fullscreenControl(instance) {
    var labels = instance.config.labels;
    var frame = instance.frame;
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = element("div", "leaflet-bar map-fullscreen");
      var button = element("button");
      button.type = "button";
      button.appendChild(cornersIcon());
      function update() {
        var on = document.fullscreenElement === frame || frame.classList.contains("is-fullscreen");
        button.setAttribute("aria-label", on ? labels.exit_fullscreen : labels.fullscreen);
        button.title = on ? labels.exit_fullscreen : labels.fullscreen;
        button.setAttribute("aria-pressed", on ? "true" : "false");
        instance.map.invalidateSize();
      }
      button.addEventListener("click", function () {
        if (document.fullscreenEnabled && frame.requestFullscreen) {
          if (document.fullscreenElement) { document.exitFullscreen(); } else { frame.requestFullscreen(); }
        } else {
          // Without the Fullscreen API (some phones), fill the window instead.
          frame.classList.toggle("is-fullscreen");
          update();
        }
      });
      document.addEventListener("fullscreenchange", update);
      L.DomEvent.disableClickPropagation(bar);
      bar.appendChild(button);
      update();
      return bar;
    };
    return control;
  }

  // Leaflet titles its zoom buttons in English; give them the page's words.
  function nameZoomButtons(container, labels) {
    [[".leaflet-control-zoom-in", labels.zoom_in], [".leaflet-control-zoom-out", labels.zoom_out]].forEach(function (pair) {
      var button = container.querySelector(pair[0]);
      if (button && pair[1]) { button.title = pair[1]; button.setAttribute("aria-label", pair[1]); }
    });
  }

  function status(instance, message) {
    if (instance.statusLine) { instance.statusLine.textContent = message || ""; }
  }

  // The map's frame is aria-busy while layers load or the view moves, so assistive technology
  // (and the browser tests) can tell when what it shows has settled.
  function begin(instance) {
    instance.busy += 1;
    instance.frame.setAttribute("aria-busy", "true");
  }

  function end(instance) {
    instance.busy = Math.max(0, instance.busy - 1);
    if (!instance.busy) { instance.frame.removeAttribute("aria-busy"); }
  }

  function track(instance, promise) {
    begin(instance);
    promise.then(function () { end(instance); }, function () { end(instance); });
    return promise;
  }

  // Point layers name each page once, as url_template, rather than in every feature.
  function withUrls(collection) {
    var template = collection && collection.url_template;
    if (typeof template === "string") {
      (collection.features || []).forEach(function (feature) {
        var props = feature.properties || {};
        if (!props.url && props.id !== undefined) { props.url = template.replace("{id}", encodeURIComponent(props.id)); }
      });
    }
    return collection;
  }

  function fetchJson(url, signal) {
    return fetch(url, { headers: { "Accept": "application/geo+json, application/json" }, signal: signal })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(withUrls);
  }

  function fitTo(instance, layers) {
    var bounds = L.latLngBounds([]);
    layers.forEach(function (layer) {
      if (layer.group.getLayers().length) { bounds.extend(layer.group.getBounds()); }
    });
    if (bounds.isValid()) { instance.map.fitBounds(bounds, { maxZoom: 14, padding: [12, 12] }); }
  }

  function loadEmbedded(instance) {
    var pending = instance.layers.map(function (layer) {
      if (layer.spec.data) { layer.set(layer.spec.data); return Promise.resolve(); }
      if (!layer.spec.url) { return Promise.resolve(); }
      return fetchJson(layer.spec.url).then(layer.set);
    });
    track(instance, Promise.all(pending).then(function () {
      var fitting = instance.layers.filter(function (layer) { return layer.spec.fit; });
      if (fitting.length) { fitTo(instance, fitting); }
      status(instance, "");
    }, function () { status(instance, instance.config.labels.load_failed); }));
  }

  // The provinces' outlines: a thin base layer under every other one, never in the way of a click,
  // so that a map whose tiles cannot load still shows where things are.
  function drawOutlines(instance) {
    var url = instance.config.outlines;
    if (!url) { return; }
    var map = instance.map;
    var pane = map.getPane("registryOutlines") || map.createPane("registryOutlines");
    pane.style.zIndex = 350;
    pane.style.pointerEvents = "none";
    var layer = L.geoJSON(null, { pane: "registryOutlines", interactive: false, style: OUTLINE_STYLE });
    layer.addTo(map);
    instance.outlines = layer;
    track(instance, fetchJson(url).then(function (collection) { layer.addData(collection); }, function () { return null; }));
  }

  function incubatorPane(map) {
    if (!map.getPane("registryIncubators")) { map.createPane("registryIncubators").style.zIndex = 450; }
    return "registryIncubators";
  }

  // The full map's incubators are few: fetched once, whatever the view.
  function loadIncubators(instance) {
    instance.layers.filter(function (layer) { return layer.spec.role === "incubators"; }).forEach(function (layer) {
      track(instance, fetchJson(layer.spec.url).then(layer.set, function () { status(instance, instance.config.labels.load_failed); }));
    });
  }

  function setUp(container, config) {
    var map = window[container.id];
    if (!map || typeof map.addLayer !== "function") { return; }
    var frame = container.closest(".registry-map") || container.parentNode;
    var instance = {
      map: map, config: config, container: container, frame: frame,
      statusLine: frame.querySelector(".registry-map-status"), layers: [], busy: 0
    };
    instance.helpers = { element: element, zonePopup: zonePopup, enterprisePopup: enterprisePopup, fetchJson: fetchJson,
                         status: function (message) { status(instance, message); }, fill: fill, makeLayer: makeLayer,
                         fitTo: fitTo, link: link, formatNumber: formatNumber,
                         track: function (promise) { return track(instance, promise); } };
    if (config.bounds) {
      map.fitBounds(config.bounds, { maxZoom: 16, padding: [12, 12], animate: false });
    } else if (config.center) {
      map.setView(config.center, config.zoom === null || config.zoom === undefined ? map.getZoom() : config.zoom);
    }
    map.on("movestart", function () { begin(instance); });
    map.on("moveend", function () { end(instance); });
    var specs = config.mode === "full"
      ? [{ name: config.labels.zone_layer || "Zones", style: "zone", role: "zones" },
         { name: config.labels.enterprise_layer || "Enterprises", style: "enterprise", role: "enterprises" }]
        .concat(config.api && config.api.incubators
          ? [{ name: config.labels.incubator_layer || "Incubators", style: "incubator", role: "incubators", url: config.api.incubators }] : [])
      : (config.layers || []);
    var overlays = {};
    specs.forEach(function (spec) {
      var layer = makeLayer(spec, config, map);
      layer.group.addTo(map);
      instance.layers.push(layer);
      overlays[escapeHtml(spec.name)] = layer.group;
    });
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
    if (specs.some(function (spec) { return spec.style === "zone"; })) { legendControl(config).addTo(map); }
    fullscreenControl(instance).addTo(map);
    nameZoomButtons(container, config.labels);
    instances.push(instance);
    drawOutlines(instance);
    if (config.mode !== "full") { loadEmbedded(instance); } else { loadIncubators(instance); }
    waiting.forEach(function (callback) { callback(instance); });
  }

  window.RegistryMap = {
    instances: instances,
    // Run `callback` for each map, those set up already and those to come.
    each: function (callback) { instances.forEach(callback); waiting.push(callback); }
  };

  document.querySelectorAll(".folium-map").forEach(function (container) {
    var config = window[PREFIX + container.id];
    if (config && window.L) { setUp(container, config); }
  });
})();
