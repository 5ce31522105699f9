// Starts the interactive figures (<div class="gd-widget"> and <div class="gd-race">) of a page
// when they scroll into view: the first one loads the widget bundle (assets/widgets/widgets.js,
// built from widgets/ by hooks/widgets.py), then each is mounted as it becomes visible.
//
// For tests and benchmarks: `await gdbook.loadWidgets()` loads the bundle and resolves to
// gdbook.widgets; `gdbook.widgets.mountAll()` then builds every widget at once.
(function () {
  "use strict";
  const gdbook = (window.gdbook = window.gdbook || {});
  const bundle = new URL("../assets/widgets/widgets.js", document.currentScript.src).href;
  let loading = null;

  gdbook.loadWidgets = function () {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = bundle;
        script.onload = function () { resolve(gdbook.widgets); };
        script.onerror = function () { reject(new Error("could not load " + bundle)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  };

  const targets = document.querySelectorAll(".gd-widget, .gd-race");
  if (!targets.length || !("IntersectionObserver" in window)) return;
  const observer = new IntersectionObserver(function (entries) {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      observer.unobserve(entry.target);
      gdbook.loadWidgets().then(function (widgets) { widgets.mount(entry.target); });
    }
  }, { rootMargin: "200px 0px" });
  targets.forEach(function (el) { observer.observe(el); });
})();
