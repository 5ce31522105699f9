// Entry point of the widget bundle (built by hooks/widgets.py with esbuild): mounts the
// interactive figures of a page. docs/javascripts/gdbook-widgets.js loads this bundle when the
// first widget scrolls into view and mounts each widget as it comes into view.

import { mountRace } from "./race.js";
import { mountWidget } from "./widget.js";

const SELECTOR = ".gd-widget, .gd-race";

/** Build the widget in `el` (once); returns its controller ({update, plot, ...}). */
function mount(el) {
  if (!el.gdWidget) el.gdWidget = el.classList.contains("gd-race") ? mountRace(el) : mountWidget(el);
  return el.gdWidget;
}

/** Build every widget of the page now (tests and benchmarks; readers get them as they scroll). */
function mountAll() {
  return [...document.querySelectorAll(SELECTOR)].map(mount);
}

window.gdbook.widgets = { mount, mountAll, SELECTOR };
