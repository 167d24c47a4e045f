/*
 * Names on the map: countries and places, placed so that they cover
 * neither each other nor an attack site.
 *
 * Labels sit in their own pane under the sites and take no clicks. After
 * every move, each label in order of priority takes the first side of its
 * point (right, left, above, below) where it overlaps nothing placed before
 * it and no site; a label with no free side is hidden until the map moves
 * (the featured place keeps its least crowded side).
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});
  var PANE = "bw-labels";
  var GAP_PX = 4;
  var sets = [];
  var scheduled = false;

  function pane(map) {
    if (!map.getPane(PANE)) {
      var element = map.createPane(PANE);
      element.style.zIndex = 390;  // above the land and the tiles, under lines (400) and sites
      element.style.pointerEvents = "none";
    }
    return PANE;
  }

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function siteBoxes(map) {
    var container = map.getContainer();
    var origin = container.getBoundingClientRect();
    var boxes = [];
    container.querySelectorAll(".bw-incident, .bw-cluster, .bw-cell, .bw-crossing, .bw-place").forEach(function (element) {
      var box = element.getBoundingClientRect();
      if (box.width > 0) {
        boxes.push({ left: box.left - origin.left, right: box.right - origin.left,
                     top: box.top - origin.top, bottom: box.bottom - origin.top });
      }
    });
    return boxes;
  }

  function candidates(point, width, height, offset) {
    var middle = point.y - height / 2;
    return [
      { left: point.x + offset, top: middle },
      { left: point.x - offset - width, top: middle },
      { left: point.x - width / 2, top: point.y - offset - height },
      { left: point.x - width / 2, top: point.y + offset }
    ].map(function (place) {
      return { left: place.left, top: place.top, right: place.left + width, bottom: place.top + height };
    });
  }

  function layout(map) {
    scheduled = false;
    var zoom = map.getZoom();
    var size = map.getSize();
    var taken = siteBoxes(map);
    var obstacles = taken.length;
    var items = [];
    sets.forEach(function (set) {
      if (set.group._map === map) { items = items.concat(set.items); }
    });
    items.sort(function (a, b) { return a.priority - b.priority; });
    items.forEach(function (item) {
      var text = item.marker.getElement() && item.marker.getElement().firstChild;
      if (!text) { return; }
      var point = map.latLngToContainerPoint(item.latlng);
      var inside = point.x >= -50 && point.y >= -50 && point.x <= size.x + 50 && point.y <= size.y + 50;
      if (zoom < item.minZoom || !inside) {
        text.style.visibility = "hidden";
        return;
      }
      text.style.visibility = "hidden";
      text.style.left = "0px";
      text.style.top = "0px";
      var width = text.offsetWidth, height = text.offsetHeight;
      var options = item.centred
        ? [{ left: point.x - width / 2, top: point.y - height / 2,
             right: point.x + width / 2, bottom: point.y + height / 2 }]
        : candidates(point, width, height, item.offset + GAP_PX);
      var best = null, fewest = Infinity;
      options.forEach(function (box) {
        if (best && fewest === 0) { return; }
        var hits = taken.filter(function (other, index) {
          // A country's name is large and faint, under everything: only other names keep it away.
          return overlaps(box, other) && !(item.centred && index < obstacles);
        }).length;
        if (hits < fewest) { fewest = hits; best = box; }
      });
      if (fewest > 0 && !item.featured) { return; }
      text.style.left = (best.left - point.x) + "px";
      text.style.top = (best.top - point.y) + "px";
      text.style.visibility = "visible";
      taken.push(best);
    });
  }

  function schedule(map) {
    if (scheduled) { return; }
    scheduled = true;
    window.requestAnimationFrame(function () { layout(map); });
  }

  /*
   * data: columns lat, lon, text, priority (lower first), min_zoom,
   * offset (px from the point to the label), kind ("country", "place",
   * "featured").
   */
  BW.labels = function (group, data) {
    var set = { group: group, items: [] };
    group.on("add", function () {
      var map = group._map;
      var paneName = pane(map);
      if (!set.items.length) {
        for (var i = 0; i < data.text.length; i++) {
          var text = document.createElement("span");
          text.className = "bw-label-text";
          text.textContent = data.text[i];
          text.style.visibility = "hidden";
          var marker = L.marker([data.lat[i], data.lon[i]], {
            icon: L.divIcon({ className: "bw-label bw-label-" + data.kind[i], html: text, iconSize: [0, 0] }),
            pane: paneName, interactive: false, keyboard: false
          });
          set.items.push({
            marker: marker, latlng: L.latLng(data.lat[i], data.lon[i]), priority: data.priority[i],
            minZoom: data.min_zoom[i], offset: data.offset[i], featured: data.kind[i] === "featured",
            centred: data.kind[i] === "country"
          });
          group.addLayer(marker);
        }
      }
      if (sets.indexOf(set) < 0) { sets.push(set); }
      if (!map._bwLabelsWatched) {
        map._bwLabelsWatched = true;
        map.on("zoomend moveend layeradd layerremove", function () { schedule(map); });
      }
      schedule(map);
    });
    group.on("remove", function () {
      var index = sets.indexOf(set);
      if (index >= 0) { sets.splice(index, 1); }
    });
  };

  BW.relayoutLabels = function (map) {
    schedule(map);
  };
})();
