/*
 * Location precision: around each site, a translucent circle as wide as the
 * area its true position lies in. Tooltips use fixed words only.
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});

  function kmText(metres) {
    var km = metres / 1000;
    return (km < 10 ? String(Math.round(km * 10) / 10) : String(Math.round(km))) + " km";
  }

  BW.precision = function (group, data, options) {
    function tooltipFor(i) {
      return function () {
        var span = document.createElement("span");
        span.textContent = "Located within about " + kmText(data.radius_m[i])
          + " (" + data.words[data.code[i]] + ")"
          + (data.count[i] > 1 ? " \u00b7 " + data.count[i] + " incidents" : "");
        return span;
      };
    }
    for (var i = 0; i < data.lat.length; i++) {
      var circle = L.circle([data.lat[i], data.lon[i]], {
        radius: data.radius_m[i], color: options.color, weight: options.weight, opacity: options.opacity,
        fill: true, fillColor: options.color, fillOpacity: options.fillOpacity,
        className: options.cssClass
      });
      circle.bindTooltip(tooltipFor(i), { sticky: true });
      group.addLayer(circle);
    }
  };
})();
