/*
 * What folium's GeoJSON layers call for each feature: tooltips and popups
 * bound from the feature's properties (HTML escaped on the server), and the
 * arrowheads of cross-border sequences. The map's script only names these
 * functions; their settings arrive as JSON options.
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});
  var SVG = "http://www.w3.org/2000/svg";

  /* A town or landmark: its name on hover (on the side of the point with more room, so a name at the
     map's right edge is not cut off), its details on click. */
  BW.bindPlace = function (feature, layer) {
    layer.bindPopup(feature.properties.popup_html, { maxWidth: 320 });
    layer.bindTooltip(feature.properties.tooltip_html, { direction: "auto" });
  };

  /*
   * A town's name, always shown beside its dot on the side the feature says,
   * in Leaflet's shadow pane, under the marker pane: an incident drawn at a
   * named town covers the name, never the reverse. options: className.
   */
  BW.bindPlaceName = function (options) {
    return function (feature, layer) {
      layer.bindTooltip(feature.properties.name_html, {
        permanent: true, direction: feature.properties.side, className: options.className,
        pane: "shadowPane"
      });
    };
  };

  /*
   * A barrier, crossing, post or sensor: its name and status on hover (along
   * a line, or to the right of a point), its record on click, and its id on
   * its element as data-feature-id (set as an attribute: text, never HTML).
   */
  BW.bindInfrastructure = function (feature, layer) {
    var isPoint = feature.geometry && feature.geometry.type === "Point";
    layer.bindTooltip(feature.properties.tooltip_html, isPoint ? { direction: "auto" } : { sticky: true });
    // A long record (notes, lengths, provenance) scrolls inside the popup instead of covering the map.
    layer.bindPopup(feature.properties.popup_html, { maxWidth: 360, maxHeight: 300 });
    layer.on("add", function () {
      var element = layer.getElement ? layer.getElement() : null;
      if (element) { element.setAttribute("data-feature-id", String(feature.properties.feature_id)); }
    });
  };

  /* A line: its tooltip follows the pointer along it. */
  function bindLineTooltip(feature, layer) {
    layer.bindTooltip(feature.properties.tooltip_html, { sticky: true });
  }
  BW.bindSegmentTooltip = bindLineTooltip;
  BW.bindSequenceTooltip = bindLineTooltip;

  /*
   * The arrowhead of a sequence: a triangle pointing east, turned by the
   * feature's screen angle (a number the server computes). Arrowheads take
   * no hover, click or Tab: the line under them carries the tooltip.
   * options: size (px), colour, cssClass.
   */
  BW.sequenceArrow = function (options) {
    return function (feature, latlng) {
      var size = options.size;
      var svg = document.createElementNS(SVG, "svg");
      svg.setAttribute("width", String(size));
      svg.setAttribute("height", String(size));
      svg.setAttribute("viewBox", "0 0 12 12");
      svg.style.display = "block";
      svg.style.transform = "rotate(" + Number(feature.properties.angle) + "deg)";
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", "M1 1.5 L11 6 L1 10.5 Z");
      path.setAttribute("fill", options.colour);
      path.setAttribute("stroke", "#FFFFFF");
      path.setAttribute("stroke-width", "1");
      svg.appendChild(path);
      return L.marker(latlng, {
        icon: L.divIcon({ className: options.cssClass, html: svg, iconSize: [size, size],
                          iconAnchor: [size / 2, size / 2] }),
        interactive: false, keyboard: false
      });
    };
  };
})();
