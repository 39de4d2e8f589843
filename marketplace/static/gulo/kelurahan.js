/* MSME registration: show only the kelurahan of the chosen kecamatan (labels end with
   "(Kecamatan)"). A static file, so the Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  var kec = document.getElementById("id_kecamatan");
  var kel = document.getElementById("id_kelurahan");
  if (!kec || !kel) return;
  var all = Array.prototype.slice.call(kel.options);
  function filter() {
    var name = kec.options[kec.selectedIndex] ? kec.options[kec.selectedIndex].text : "";
    all.forEach(function (o) {
      o.hidden = !!(o.value && kec.value && o.text.slice(-name.length - 1, -1) !== name);
    });
  }
  kec.addEventListener("change", function () {
    kel.value = "";
    filter();
  });
  filter();
})();
