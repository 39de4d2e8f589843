/* The MSME's product form: says the price ceiling (SSH) of the chosen kind and warns, as the price
   is typed, when officers could not order at that price. The messages come from the page
   (#ceiling-warning, one span per kind), so they are translated there. A static file: the
   Content-Security-Policy needs no inline script. */
(function () {
  "use strict";
  var box = document.getElementById("ceiling-warning");
  if (!box) return;
  var kind = document.getElementById(box.getAttribute("data-kind-field"));
  var price = document.getElementById(box.getAttribute("data-price-field"));
  var info = document.getElementById("ceiling-info");
  var above = document.getElementById("ceiling-above");
  if (!kind || !price || !info || !above) return;
  function update() {
    var entry = box.querySelector('span[data-kind="' + kind.value + '"]');
    info.textContent = entry ? entry.getAttribute("data-info") : "";
    var ceiling = entry ? parseInt(entry.getAttribute("data-ceiling"), 10) : NaN;
    var value = parseInt(String(price.value).replace(/\D/g, ""), 10);
    var over = !isNaN(ceiling) && !isNaN(value) && value > ceiling;
    above.textContent = over ? entry.getAttribute("data-above") : "";
    above.classList.toggle("gulo-hidden", !over);
  }
  kind.addEventListener("change", update);
  price.addEventListener("input", update);
  update();
})();
