/*
 * Enter applies a date typed into a date field.
 *
 * Streamlit's date input commits a typed date when its calendar closes
 * (Escape, or a click elsewhere); Enter does nothing, although a person who
 * typed a date and pressed Enter expects it to apply. Enter in a date field
 * is turned into the Escape that closes the calendar and so commits.
 */
(function () {
  "use strict";
  if (window.borderWatchDateEnter) { return; }
  window.borderWatchDateEnter = true;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.isTrusted || !event.target.closest) { return; }
    if (!event.target.closest('[data-testid="stDateInput"]')) { return; }
    event.preventDefault();
    event.stopPropagation();
    event.target.dispatchEvent(new KeyboardEvent("keydown", {
      key: "Escape", code: "Escape", keyCode: 27, bubbles: true, cancelable: true
    }));
  }, true);
})();
