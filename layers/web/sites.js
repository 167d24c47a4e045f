/*
 * Attack sites: clustered circles a person can click, tab to and open with
 * Enter, and counted cells for views too full to draw one by one.
 *
 * The data arrives as columns (see layers/incidents.py). Popups and
 * tooltips are built with textContent, so text from data is never parsed
 * as HTML.
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});

  // What outlives a rebuild of the layer in this page: the site selected
  // and the one whose popup is open, so a filter change or a move that
  // brings new data puts them back as they were.
  var memory = (BW.memory = BW.memory || { selectedId: null, popupId: null, clicks: 0 });

  // Sites are drawn above every other layer, cluster icons and crossings
  // included (Leaflet's marker pane is at 600), so none ever covers a site,
  // fanned out or not; popups (700) and tooltips (650) stay above them.
  var SITES_PANE = "bw-sites";

  function sitesPane(map) {
    if (!map.getPane(SITES_PANE)) { map.createPane(SITES_PANE).style.zIndex = 610; }
  }

  function isoDay(day) {
    return new Date(day * 86400000).toISOString().slice(0, 10);
  }

  function deathsText(data, i) {
    return data.deaths[i] === null ? "unknown" : String(data.deaths[i]);
  }

  function siteLabel(data, i) {
    return data.places[data.place[i]] + " \u00b7 " + isoDay(data.day[i]);
  }

  function row(table, label, value) {
    var tr = table.insertRow();
    var th = document.createElement("th");
    th.textContent = label;
    tr.appendChild(th);
    tr.insertCell().textContent = value;
  }

  function popupContent(data, i) {
    return function () {
      var table = document.createElement("table");
      table.className = "bw-popup";
      row(table, "Date", isoDay(data.day[i]));
      row(table, "Type", data.types[data.type[i]]);
      row(table, "Place", data.places[data.place[i]]);
      row(table, "Deaths", deathsText(data, i));
      var note = document.createElement("div");
      note.className = "bw-popup-note";
      note.textContent = "Full record in the details panel";
      var box = document.createElement("div");
      box.appendChild(table);
      box.appendChild(note);
      return box;
    };
  }

  function tooltipContent(data, i) {
    return function () {
      var span = document.createElement("span");
      span.textContent = siteLabel(data, i);
      return span;
    };
  }

  // What shows a site now: the site itself when it is on the map (alone or
  // fanned out), else the cluster that holds it. (Leaflet.markercluster's
  // getVisibleParent looks for icons, which circles do not have.)
  function visibleParent(marker) {
    if (marker._map) { return marker; }
    var parent = marker.__parent;
    while (parent && !parent._icon) { parent = parent.__parent; }
    return parent || null;
  }

  function sharesOnePlace(cluster) {
    var markers = cluster.getAllChildMarkers();
    var first = markers[0].getLatLng();
    return markers.every(function (marker) {
      return marker.getLatLng().equals(first);
    });
  }

  function clusterIcon(cluster) {
    // st_folium reruns the page when the feature of the layer clicked last
    // changes; a cluster reports none, so opening one leaves the page (and
    // the fan) as they are.
    cluster.toGeoJSON = null;
    var count = cluster.getChildCount();
    var together = sharesOnePlace(cluster);
    cluster.options.title = count + (together ? " sites at one place: press to fan them out"
                                              : " sites close together: press to zoom in");
    var size = count < 10 ? 30 : count < 100 ? 36 : 44;
    return L.divIcon({
      html: "<span>" + count + "</span>",
      className: "bw-cluster",
      iconSize: L.point(size, size)
    });
  }

  // Fan out a cluster whose sites share a place (or cannot be split by
  // zooming); zoom in on any other. What a click on a cluster does.
  function openCluster(cluster, then) {
    var group = cluster._group;
    var bottom = cluster;
    while (bottom._childClusters.length === 1) {
      bottom = bottom._childClusters[0];
    }
    var atLastZoom = bottom._zoom === group._maxZoom && bottom._childCount === cluster._childCount;
    if (atLastZoom || sharesOnePlace(cluster)) {
      if (group._spiderfied === cluster) {
        if (then) { then(); }
        return;
      }
      if (then) { group.once("spiderfied", then); }
      cluster.spiderfy();
    } else {
      if (then) { group._map.once("moveend", then); }
      cluster.zoomToBounds();
    }
  }

  function highlight(sites, id) {
    var previous = sites.markers[memory.selectedId];
    if (previous && previous._path) { previous._path.classList.remove("bw-selected"); }
    memory.selectedId = id;
    var marker = sites.markers[id];
    if (marker && marker._path) {
      marker._path.classList.add("bw-selected");
      marker.bringToFront();
    }
  }

  // Make a site visible (fanning out or, when allowed, zooming into its cluster), then act.
  function reveal(sites, marker, then, depth, mayZoom) {
    if (sites.cluster._inZoomAnimation) {
      // Clusters are rebuilt at the end of a zoom: look again then.
      sites.cluster.once("animationend", function () { reveal(sites, marker, then, depth, mayZoom); });
      return;
    }
    var parent = visibleParent(marker);
    if (!parent || parent === marker) {
      then();
      return;
    }
    if (depth > 20 || (!mayZoom && !sharesOnePlace(parent))) {
      then();  // highlighted inside its cluster, where the map is
      return;
    }
    openCluster(parent, function () {
      reveal(sites, marker, then, depth + 1, mayZoom);
    });
  }

  function makeFocusable(data, i) {
    return function () {
      var path = this._path;
      if (!path) { return; }
      path.setAttribute("tabindex", "0");
      path.setAttribute("role", "button");
      path.setAttribute("aria-label", siteLabel(data, i) + ", " + data.types[data.type[i]]);
      if (this.feature.properties.incident_id === memory.selectedId) {
        path.classList.add("bw-selected");
      }
    };
  }

  function onKey(event) {
    if (event.key === "Enter" || event.key === " ") {
      L.DomEvent.preventDefault(event);
      this.fire("click", { latlng: this.getLatLng(), originalEvent: event }, true);
    }
  }

  BW.sites = function (group, data, options) {
    var cluster = L.markerClusterGroup({
      maxClusterRadius: options.clusterRadius,
      // Clicks on clusters are handled here (openCluster), the same for mouse and keyboard.
      spiderfyOnMaxZoom: false,
      zoomToBoundsOnClick: false,
      showCoverageOnHover: false,
      iconCreateFunction: clusterIcon
    });
    var sites = { cluster: cluster, markers: {}, group: group };
    // While a fan is open, nothing drawn above it (other clusters, crossings)
    // may cover its sites: they fade and let clicks through (borderwatch.css).
    cluster.on("spiderfied", function () {
      if (cluster._map) { L.DomUtil.addClass(cluster._map.getContainer(), "bw-fanning"); }
    });
    cluster.on("unspiderfied", function () {
      if (cluster._map) { L.DomUtil.removeClass(cluster._map.getContainer(), "bw-fanning"); }
    });
    // Clusters settle after their own animation: names on the map are placed anew then.
    cluster.on("animationend spiderfied unspiderfied", function () {
      if (cluster._map && BW.relayoutLabels) { BW.relayoutLabels(cluster._map); }
    });
    cluster.on("clusterclick", function (event) {
      openCluster(event.layer);
    });
    cluster.on("clusterkeypress", function (event) {
      if (event.originalEvent.key === "Enter" || event.originalEvent.key === " ") {
        openCluster(event.layer);
      }
    });
    for (var i = 0; i < data.id.length; i++) {
      var id = data.id[i];
      var circle = L.circleMarker([data.lat[i], data.lon[i]], {
        radius: data.radius[i], color: options.rim, weight: options.rimPx, fill: true,
        fillColor: data.colours[data.type[i]], fillOpacity: options.fillOpacity,
        className: options.cssClass, pane: SITES_PANE
      });
      // The feature st_folium reports for a click: the id, and a count of
      // clicks so that clicking the same site again still selects it.
      circle.feature = { type: "Feature", properties: { incident_id: id, click: 0 } };
      circle.bindPopup(popupContent(data, i), { maxWidth: 340, autoPanPadding: [16, 16] });
      circle.bindTooltip(tooltipContent(data, i));
      circle.on("click", function () {
        memory.clicks += 1;
        this.feature.properties.click = memory.clicks;
        highlight(sites, this.feature.properties.incident_id);
      });
      circle.on("popupopen", function () { memory.popupId = this.feature.properties.incident_id; });
      circle.on("popupclose", function () {
        if (memory.popupId === this.feature.properties.incident_id) { memory.popupId = null; }
      });
      circle.on("add", makeFocusable(data, i));
      circle.on("add", function () {
        if (this._path) { L.DomEvent.on(this._path, "keydown", onKey, this); }
      });
      sites.markers[id] = circle;
      cluster.addLayer(circle);
    }
    group.addLayer(cluster);
    BW.siteLayer = sites;
    var addGroup = group.onAdd;
    group.onAdd = function (map) {
      sitesPane(map);
      addGroup.call(this, map);
    };
    // Removing the layer to draw it anew closes its popup: that is not the
    // person closing it, so the popup is remembered and opened again.
    var removeGroup = group.onRemove;
    group.onRemove = function (map) {
      var open = memory.popupId;
      removeGroup.call(this, map);
      memory.popupId = open;
    };
    group.on("add", function () {
      if (memory.selectedId && sites.markers[memory.selectedId]) {
        highlight(sites, memory.selectedId);
      }
      var open = sites.markers[memory.popupId];
      var parent = open ? visibleParent(open) : null;
      if (!open || !parent) {
        memory.popupId = null;
      } else if (parent === open) {
        open.openPopup();
      } else if (sharesOnePlace(parent)) {
        cluster.once("spiderfied", function () { open.openPopup(); });
        parent.spiderfy();
      } else {
        memory.popupId = null;
      }
      if (BW.onSitesDrawn) { BW.onSitesDrawn(sites); }
    });
  };

  /*
   * Show one site: make it visible, highlight it, open its popup. Used when
   * a site is chosen elsewhere than on the map (the list, the search box,
   * a link). With mayZoom false the map keeps its view: a site in a cluster
   * of several places is highlighted there, unopened.
   */
  BW.showSite = function (id, mayZoom) {
    var sites = BW.siteLayer;
    var marker = sites && sites.markers[id];
    if (!marker || !sites.group._map) { return false; }
    reveal(sites, marker, function () {
      highlight(sites, id);
      if (marker._map) { marker.openPopup(); }
    }, 0, mayZoom !== false);
    return true;
  };

  BW.visibleParent = visibleParent;

  BW.cells = function (group, data, options) {
    // Two zoom levels in, centred on the cell's incidents: its count splits
    // into about sixteen finer cells, or into the incidents themselves.
    function zoomIn(event) {
      var map = event.target._map;
      map.setView(event.target.getLatLng(), Math.min(map.getZoom() + 2, map.getMaxZoom()));
    }
    for (var i = 0; i < data.count.length; i++) {
      var size = data.size[i];
      var label = data.count[i].toLocaleString("en-US");
      var box = document.createElement("div");
      box.style.width = box.style.height = box.style.lineHeight = size + "px";
      box.textContent = label;
      var cell = L.marker([data.lat[i], data.lon[i]], {
        icon: L.divIcon({ className: options.cssClass, html: box, iconSize: [size, size] }),
        title: label + (data.count[i] === 1 ? " incident" : " incidents") + ": press to zoom in"
      });
      cell.toGeoJSON = null;
      cell.bindTooltip(label + (data.count[i] === 1 ? " incident, " : " incidents, ")
        + data.deaths[i].toLocaleString("en-US") + (data.deaths[i] === 1 ? " death" : " deaths")
        + " \u2014 click to zoom in");
      cell.on("click", zoomIn);
      cell.on("keypress", function (event) {
        if (event.originalEvent.key === "Enter") { zoomIn(event); }
      });
      group.addLayer(cell);
    }
  };
})();
