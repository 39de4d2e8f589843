/* Gulo Asem: the site's own behaviours, served from /static/ so the Content-Security-Policy
   needs no inline script or on...= attribute for them. */
(function () {
  "use strict";

  // <a data-history-back> goes back one page (Oscar wrote onclick="history.go(-1)").
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-history-back]");
    if (link) {
      event.preventDefault();
      window.history.back();
    }
    var print = event.target.closest && event.target.closest("[data-print]");
    if (print) {
      event.preventDefault();
      window.print();
    }
  });

  // The header's menu ("cards" area, templates/oscar/layout.html): <button data-menu-toggle
  // aria-controls="site-menu" aria-expanded> opens and closes it (a button: Enter and Space
  // work); Escape closes it and gives the focus back to the button.
  function menuSet(button, open) {
    var menu = document.getElementById(button.getAttribute("aria-controls"));
    if (!menu) return;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.classList.toggle("is-open", open);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-menu-toggle]");
    if (button) menuSet(button, button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = document.querySelectorAll("[data-menu-toggle][aria-expanded='true']");
    for (var i = 0; i < open.length; i++) {
      var menu = document.getElementById(open[i].getAttribute("aria-controls"));
      if (menu && menu.contains(document.activeElement)) open[i].focus();
      menuSet(open[i], false);
    }
  });

  // Oscar's dashboard image upload: the preview hides the upload button once it shows an image,
  // and says so when the file is no image (Oscar wrote onload=/onerror= attributes).
  // load and error do not bubble: listened to while they go down (capture). The button is found
  // beside the image, as Oscar's script renumbers the ids of each image form it adds.
  function uploadButton(img) {
    var box = img.closest(".image-input");
    return box && box.querySelector("button[id^='upload_button_']");
  }
  document.addEventListener(
    "load",
    function (event) {
      var img = event.target;
      if (img.tagName === "IMG" && img.hasAttribute("data-upload-preview")) {
        var button = uploadButton(img);
        if (button) button.style.display = "none";
      }
    },
    true
  );
  document.addEventListener(
    "error",
    function (event) {
      var img = event.target;
      if (img.tagName === "IMG" && img.hasAttribute("data-upload-preview")) {
        var button = uploadButton(img);
        if (button) button.style.display = "";
        window.alert(img.getAttribute("data-error-message"));
      }
    },
    true
  );
})();

// Oscar's dashboard lists ("a11y" area): the select-all checkbox Oscar's script puts in a table's
// first header has no name; it takes the one the header carries (templates/oscar/dashboard/table.html),
// whenever Oscar's script adds it (it runs after this one).
(function () {
  "use strict";
  function nameBox(th) {
    var box = th.querySelector("input[name='select_all']");
    if (box) box.setAttribute("aria-label", th.getAttribute("data-select-all-label"));
  }
  var heads = document.querySelectorAll("th[data-select-all-label]");
  for (var i = 0; i < heads.length; i++) {
    nameBox(heads[i]);
    new MutationObserver(nameBox.bind(null, heads[i])).observe(heads[i], { childList: true });
  }
})();
