/* The report form: mark a figure changed from the system's number, so the note is not
   forgotten (the server checks it too). A file, not an inline script: the Content-Security-Policy
   allows scripts from our own origin only. */
(function () {
  "use strict";

  document.querySelectorAll("#report-form input[data-prefilled]").forEach(function (input) {
    var row = input.closest("tr");
    function mark() {
      var before = input.dataset.prefilled;
      row.classList.toggle("vl-figure-changed", before !== "" && input.value.trim() !== "" && input.value.trim() !== before);
    }
    input.addEventListener("input", mark);
    mark();
  });
})();
