// The page editor's slug field: Wagtail's own JavaScript keeps only ASCII of
// the title, so an all-Korean title left "--". When the field holds no letter
// or digit, ask the server for the romanised slug (district.slugs); a slug the
// leader typed is left alone. The server makes the same slug on save anyway.
(function () {
  "use strict";
  var title = document.getElementById("id_title");
  var slug = document.getElementById("id_slug");
  var endpoint = document.querySelector("[data-dongne-slugify-url]");
  if (!title || !slug || !endpoint) return;
  var url = endpoint.getAttribute("data-dongne-slugify-url");
  var timer = null;
  var meaningful = /[a-z0-9]/i;

  function fill() {
    if (meaningful.test(slug.value) || !title.value.trim()) return;
    fetch(url + "?title=" + encodeURIComponent(title.value), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data && data.slug && !meaningful.test(slug.value)) slug.value = data.slug;
      })
      .catch(function () {});
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(fill, 300);
  }
  title.addEventListener("input", later);
  title.addEventListener("change", fill);
  slug.addEventListener("blur", fill);
  fill();
})();
