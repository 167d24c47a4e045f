/*
 * Going to what a person chose outside the map (the incident list, the
 * search box, a link): pan and zoom there, and for an incident make its
 * site visible, highlight it and open its popup.
 *
 * A request carries a token and is carried out once: the map's script is
 * evaluated again whenever a layer changes, and a page shown anew must not
 * fly back to an old choice.
 */
(function () {
  "use strict";
  var BW = (window.BorderWatch = window.BorderWatch || {});
  var memory = (BW.memory = BW.memory || {});
  var STORAGE_KEY = "borderwatch-focus-done";

  function alreadyDone(token) {
    try {
      return window.sessionStorage.getItem(STORAGE_KEY) === token;
    } catch (error) {  // storage refused (a sandboxed or file:// page): this page's memory will do
      return memory.focusDone === token;
    }
  }

  function markDone(token) {
    memory.focusDone = token;
    try {
      window.sessionStorage.setItem(STORAGE_KEY, token);
    } catch (error) { /* kept in memory only */ }
  }

  // Sites arrive with the data of the new view: show the chosen one as soon as it is drawn.
  BW.onSitesDrawn = function () {
    if (memory.pendingSite && BW.showSite(memory.pendingSite, !memory.pendingStays)) {
      memory.pendingSite = null;
    }
  };

  BW.focus = function (group, request) {
    group.on("add", function () {
      var map = group._map;
      if (!map || alreadyDone(request.token)) { return; }
      markDone(request.token);
      memory.pendingSite = request.incident || null;
      memory.pendingStays = !request.move;
      if (!request.move) {
        BW.onSitesDrawn();
        return;
      }
      var zoom = Math.max(map.getZoom(), request.zoom);
      map.once("moveend", function () { BW.onSitesDrawn(); });
      map.setView([request.lat, request.lon], zoom);
    });
  };
})();
