// The tutorial widget: one optimizer (and optionally its parent method) on a test function.
// The reader drags the start and moves the sliders; the path is recomputed with gdbook.js.
//
// Markup: <div class="gd-widget" data-optimizer="Adam" data-parent="RMSProp" data-fn="rosenbrock"
//   data-x0="-1.5,2" data-lr="0.05" data-steps="500"></div>; optional data-<hyperparameter>
//   (momentum, rho, beta1, beta2, eps) and data-parent-lr.

import { button, checkbox, el, listSlider, select } from "./controls.js";
import { ContourPlot } from "./plot.js";
import { labelFor, numberAttr, pointAttr, SLIDERS, STARTS, STEPS, valuesFor } from "./settings.js";
import TEXT, { formatNumber, LANG, optimizerName } from "./text.js";

export function mountWidget(root) {
  const gd = window.gdbook;
  const name = root.dataset.optimizer;
  const parent = root.dataset.parent || null;
  const Main = gd.optimizerClass(name);
  const Parent = parent ? gd.optimizerClass(parent) : null;
  const pageFn = root.dataset.fn || "rosenbrock";
  gd.testFunctionNamed(pageFn); // fail early on a wrong name

  // the settings, in gdbook's names; `initial` is what Reset goes back to
  const initial = {
    fn: pageFn,
    x0: pointAttr(root, "x0", STARTS[pageFn] || [0.5, 0.5]),
    steps: numberAttr(root, "steps", 300),
    params: Object.fromEntries(SLIDERS[name].map((k) => [k, numberAttr(root, k, Main.defaults[k])])),
    parentParams: {},
    showParent: false,
  };
  if (Parent) {
    const own = SLIDERS[parent].filter((k) => k === "lr" || !SLIDERS[name].includes(k));
    initial.parentParams = Object.fromEntries(
      own.map((k) => [k, k === "lr" ? numberAttr(root, "parentLr", initial.params.lr) : Parent.defaults[k]]),
    );
  }
  let s = structuredClone(initial);

  // --- the page structure
  root.classList.add("gd-ready");
  root.replaceChildren();
  el("p", { class: "gd-title" }, root, TEXT.title(optimizerName(name)));
  const body = el("div", { class: "gd-body" }, root);
  const figure = el("div", { class: "gd-figure" }, body);
  const plot = new ContourPlot(figure, { paths: ["gd-path-main", "gd-path-parent"], onStart: setStart });
  const legend = el("p", { class: "gd-legend" }, figure);
  const controls = el("div", { class: "gd-controls" }, body);
  const status = el("div", { class: "gd-status", "aria-live": "polite" }, root);
  const mainStatus = el("p", { class: "gd-status-main" }, status);
  const parentStatus = el("p", { class: "gd-status-parent" }, status);
  el("p", { class: "gd-hint" }, root, TEXT.hint);

  const fnNames = Object.keys(STARTS).map((k) => [k, gd.functions[k].displayName(LANG)]);
  const fnSelect = select(controls, {
    name: "fn", label: TEXT.fn, options: fnNames, value: s.fn,
    onChange(v) {
      s.fn = v;
      s.x0 = v === initial.fn ? initial.x0.slice() : STARTS[v].slice();
      drawFunction();
      schedule();
    },
  });
  const sliders = {};
  for (const k of SLIDERS[name]) {
    sliders[k] = listSlider(controls, {
      name: k, label: labelFor(k), values: valuesFor(name, k), value: s.params[k],
      onChange(v) { s.params[k] = v; schedule(); },
    });
  }
  const steps = listSlider(controls, {
    name: "steps", label: TEXT.steps, values: STEPS, value: s.steps, format: String,
    onChange(v) { s.steps = v; schedule(); },
  });
  const parentSliders = {};
  let parentBox = null;
  if (Parent) {
    const group = el("div", { class: "gd-parent" }, controls);
    parentBox = checkbox(group, {
      name: "parent", label: TEXT.compare(optimizerName(parent)), checked: s.showParent,
      onChange(v) { s.showParent = v; showParentControls(); schedule(); },
    });
    for (const k of Object.keys(s.parentParams)) {
      parentSliders[k] = listSlider(group, {
        name: `parent-${k}`, label: k === "lr" ? TEXT.lrOf(optimizerName(parent)) : labelFor(k),
        values: valuesFor(parent, k), value: s.parentParams[k],
        onChange(v) { s.parentParams[k] = v; schedule(); },
      });
    }
  }
  button(controls, {
    name: "reset", label: TEXT.reset,
    onClick() {
      s = structuredClone(initial);
      fnSelect.input.value = s.fn;
      for (const [k, sl] of Object.entries(sliders)) sl.set(s.params[k]);
      for (const [k, sl] of Object.entries(parentSliders)) sl.set(s.parentParams[k]);
      steps.set(s.steps);
      if (parentBox) parentBox.input.checked = s.showParent;
      showParentControls();
      drawFunction();
      update();
    },
  });

  function showParentControls() {
    for (const sl of Object.values(parentSliders)) sl.root.hidden = !s.showParent;
  }

  function setStart(p) {
    s.x0 = p;
    plot.setStart(p);
    schedule();
  }

  function drawFunction() {
    plot.setFunction(gd.functions[s.fn]);
    plot.setStart(s.x0);
  }

  let pending = 0;
  let shownLabel = null;
  function schedule() {
    if (!pending) pending = requestAnimationFrame(update);
  }

  /** Recompute the path(s) and redraw them, now. */
  function update() {
    if (pending) cancelAnimationFrame(pending);
    pending = 0;
    const main = gd.run({ optimizer: name, params: s.params, fn: s.fn, x0: s.x0, steps: s.steps });
    plot.setPath(0, main.points);
    describe(mainStatus, name, main);
    let second = null;
    if (Parent && s.showParent) {
      const params = { ...s.parentParams };
      for (const k of SLIDERS[parent]) if (!(k in params)) params[k] = s.params[k];
      second = gd.run({ optimizer: parent, params, fn: s.fn, x0: s.x0, steps: s.steps });
      describe(parentStatus, parent, second);
    } else {
      parentStatus.textContent = "";
      parentStatus.className = "gd-status-parent";
    }
    plot.setPath(1, second && second.points);
    const fnName = gd.functions[s.fn].displayName(LANG);
    const names = [name, second && parent].filter(Boolean).map(optimizerName);
    const label = TEXT.plotLabel(fnName, names.join(LANG === "zh" ? "、" : " and "));
    if (label !== shownLabel) {  // the legend changes with the function and the second path only
      shownLabel = label;
      plot.setLabel(label);
      legend.replaceChildren(...legendItems(names).flatMap((item, k) => (k ? [" ", item] : [item])));
    }
    return { main, parent: second };
  }

  function describe(line, optimizer, r) {
    const n = r.points.length - 1;
    const left = r.points.some((p) => plot.outside(p));
    line.className = `${line.className.split(" ")[0]}${r.diverged ? " gd-diverged" : ""}${left ? " gd-outside" : ""}`;
    const text = r.diverged
      ? TEXT.diverged(optimizerName(optimizer), n)
      : TEXT.value(optimizerName(optimizer), formatNumber(r.values[n]), n);
    line.textContent = left && !r.diverged ? TEXT.outside(text) : text;
  }

  function legendItems(names) {
    const items = names.map((label, k) => {
      const item = el("span", { class: `gd-key ${k ? "gd-path-parent" : "gd-path-main"}` }, null, label);
      return item;
    });
    items.push(el("span", { class: "gd-key gd-key-start" }, null, TEXT.start));
    if (gd.functions[s.fn].minima.length) items.push(el("span", { class: "gd-key gd-key-minimum" }, null, TEXT.minimum));
    return items;
  }

  showParentControls();
  drawFunction();
  update();
  return { update, plot, get settings() { return s; } };
}
