// Form controls: sliders are real <input type="range"> (keyboard, screen readers) that step
// through a list of values, with the value shown next to them; selects; checkboxes.

import { formatNumber } from "./text.js";

let ids = 0;

function el(tag, attrs = {}, parent = null, text = null) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== null) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}
export { el };

/** Ten values per decade (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8) from lo to hi: a log scale. */
export function logValues(lo, hi) {
  const mantissas = [1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.3, 8];
  const out = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mantissas) {
      const v = +(m * 10 ** e).toPrecision(3);
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
    }
  }
  return out;
}

/** The list with `value` in its place (so a page's exact setting is one of the stops). */
function withValue(values, value) {
  if (values.includes(value)) return values;
  return [...values, value].sort((a, b) => a - b);
}

/**
 * A slider over a list of values.
 * @returns {{root: HTMLElement, input: HTMLInputElement, value: number, set(v)}}
 */
export function listSlider(parent, { name, label, values, value, onChange, format = formatNumber }) {
  const list = withValue(values, value);
  const id = `gd-input-${++ids}`;
  const root = el("div", { class: "gd-slider" }, parent);
  el("label", { for: id }, root, label);
  const input = el("input", { type: "range", id, name, min: 0, max: list.length - 1, step: 1 }, root);
  const output = el("output", { for: id }, root);
  const slider = {
    root,
    input,
    list,
    value,
    set(v) {
      slider.value = v;
      input.value = String(list.indexOf(v));
      output.textContent = format(v);
      input.setAttribute("aria-valuetext", format(v));
    },
  };
  slider.set(value);
  input.addEventListener("input", () => {
    const v = list[Number(input.value)];
    slider.set(v);
    onChange(v);
  });
  return slider;
}

/** A labelled <select> of [value, text] options. */
export function select(parent, { name, label, options, value, onChange }) {
  const id = `gd-input-${++ids}`;
  const root = el("div", { class: "gd-select" }, parent);
  el("label", { for: id }, root, label);
  const input = el("select", { id, name }, root);
  for (const [v, text] of options) el("option", { value: v }, input, text);
  input.value = value;
  input.addEventListener("change", () => onChange(input.value));
  return { root, input };
}

/** A checkbox with its label. */
export function checkbox(parent, { name, label, checked, onChange }) {
  const root = el("label", { class: "gd-check" }, parent);
  const input = el("input", { type: "checkbox", name }, root);
  input.checked = checked;
  el("span", {}, root, label);
  input.addEventListener("change", () => onChange(input.checked));
  return { root, input };
}

/** A button. */
export function button(parent, { name, label, onClick }) {
  const b = el("button", { type: "button", class: `md-button gd-button gd-${name}`, name }, parent, label);
  b.addEventListener("click", onClick);
  return b;
}
