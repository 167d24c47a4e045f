/*
 * What the whole map does, whatever layers it shows: keyboard order, the
 * legend that lists the layers shown, the "whole border" button, and the
 * note when online tiles cannot be loaded.
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});
  var REACHABLE = ".bw-incident, .bw-cluster, .bw-cell";

  // Only sites, clusters and cells are tab stops: Chromium would stop on
  // every line and polygon of the map otherwise.
  function keepOutOfTabOrder(event) {
    var element = event.layer && (event.layer._path || event.layer._icon);
    if (element && !element.matches(REACHABLE) && !element.hasAttribute("data-bw-tab")) {
      element.setAttribute("tabindex", "-1");
    }
  }

  function legendFollowsLayers(map) {
    var scheduled = false;
    function update() {
      scheduled = false;
      var legend = map.getContainer().querySelector(".bw-legend");
      if (!legend) { return; }
      var shown = {};
      var marks = {};
      map.eachLayer(function (layer) {
        if (layer.bwLayer) { shown[layer.bwLayer] = true; }
        (layer.bwMarks || []).forEach(function (mark) { marks[layer.bwLayer + " " + mark] = true; });
      });
      // A row with a data-mark (a kind and status of infrastructure) shows only while one is drawn.
      legend.querySelectorAll("[data-layer]").forEach(function (row) {
        var layerId = row.getAttribute("data-layer");
        var mark = row.getAttribute("data-mark");
        row.hidden = !shown[layerId] || (mark !== null && !marks[layerId + " " + mark]);
      });
    }
    map.on("layeradd layerremove", function () {
      if (!scheduled) {
        scheduled = true;
        window.requestAnimationFrame(update);
      }
    });
    update();
  }

  // Names a layer group by its id in links ("sites", "border", ...), for the legend.
  BW.tag = function (group, id) {
    group.bwLayer = id;
  };

  // The kinds and statuses of infrastructure a group draws, e.g. ["berm:complete"], for the legend.
  BW.marks = function (group, marks) {
    group.bwMarks = marks;
  };

  // The legend, folded at first, in the bottom-left corner; html is built (and escaped) by layers/legend.py.
  BW.legend = function (map, html) {
    var legend = L.control({ position: "bottomleft" });
    legend.onAdd = function () {
      var box = L.DomUtil.create("div", "bw-legend");
      box.innerHTML = html;
      L.DomEvent.disableClickPropagation(box);
      L.DomEvent.disableScrollPropagation(box);
      return box;
    };
    legend.addTo(map);
  };

  function homeButton(map, home) {
    var control = L.control({ position: "topleft" });
    control.onAdd = function () {
      var bar = L.DomUtil.create("div", "leaflet-bar bw-home");
      var link = L.DomUtil.create("a", "", bar);
      link.href = "#";
      link.setAttribute("role", "button");
      link.setAttribute("data-bw-tab", "1");
      link.title = home.title;
      link.setAttribute("aria-label", home.title);
      link.textContent = "\u2302";
      L.DomEvent.disableClickPropagation(bar);
      L.DomEvent.on(link, "click", function (event) {
        L.DomEvent.preventDefault(event);
        map.fitBounds(home.bounds);
      });
      return bar;
    };
    control.addTo(map);
  }

  /*
   * settings: home {bounds, title} or null; fit (bool): open on the home
   * bounds fitted to the map's size (a link that names a view opens on it).
   */
  BW.setupMap = function (map, settings) {
    // The map fills its frame, which never scrolls: a focused control or a
    // popup scrolled into view would otherwise shift the whole map in it.
    window.addEventListener("scroll", function () {
      if (window.scrollX || window.scrollY) { window.scrollTo(0, 0); }
    });
    map.on("layeradd", keepOutOfTabOrder);
    legendFollowsLayers(map);
    if (settings.home) { homeButton(map, settings.home); }
    followContainerSize(map, settings.fit ? settings.home.bounds : null);
  };

  /*
   * The page sizes the map to the window with a stylesheet that may arrive
   * after Leaflet first measured it, and the window may be resized: tell
   * Leaflet each time. Until the person first touches the map, an opening
   * fitted to the home bounds is fitted again to the new size.
   */
  function followContainerSize(map, fitBounds) {
    var container = map.getContainer();
    var touched = false;
    function fit() {
      if (fitBounds && !touched) { map.fitBounds(fitBounds, { animate: false }); }
    }
    ["mousedown", "touchstart", "wheel", "keydown"].forEach(function (type) {
      container.addEventListener(type, function () { touched = true; }, { passive: true });
    });
    fit();
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize({ pan: false });
        fit();
      }).observe(container);
    }
  }

  /*
   * The land, fetched once from this server, in a pane under the tiles.
   * options: pane, zIndex.
   */
  BW.land = function (group, url, options) {
    fetch(url)
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var map = group._map;
        if (map && !map.getPane(options.pane)) {
          map.createPane(options.pane).style.zIndex = options.zIndex;
        }
        L.geoJSON(data, {
          interactive: false,
          pane: map ? options.pane : "overlayPane",
          style: function (feature) { return feature.properties.style; }
        }).addTo(group);
      })
      .catch(function (error) {
        // The map still works without land; say why it is missing.
        console.error("BorderWatch: the basemap could not be loaded from", url, error);
      });
  };

  /*
   * Online tiles drawn over the bundled land: where a tile fails (no
   * network), the land shows through, and a note says why.
   */
  BW.watchTiles = function (group, message) {
    var note = null;
    group.on("add", function () {
      var map = group._map;
      group.eachLayer(function (layer) {
        if (!layer.on || !layer.getTileUrl) { return; }
        layer.on("tileerror", function () {
          if (note || !group._map) { return; }
          note = L.control({ position: "topright" });
          note.onAdd = function () {
            var box = L.DomUtil.create("div", "bw-notice");
            box.setAttribute("role", "status");
            box.textContent = message;
            return box;
          };
          note.addTo(map);
        });
      });
    });
    group.on("remove", function () {
      if (note) {
        note.remove();
        note = null;
      }
    });
  };
})();
