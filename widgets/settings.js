// What the reader can change, per optimizer, and the values the sliders step through.

import { logValues } from "./controls.js";
import TEXT from "./text.js";

/** The test functions offered (gdbook.functions names) and a start for each (the comparison page's). */
export const STARTS = {
  sphere: [-0.8, 0.6],
  ill_conditioned: [-4.5, 3.5],
  rosenbrock: [-1.5, 2],
  beale: [1, 1.5],
  himmelblau: [0, -1],
  saddle: [0.9, 0.001],
  booth: [-8, -6],
  rastrigin: [2.3, -1.6],
};

/** Sliders of each optimizer, in gdbook's hyperparameter names. */
export const SLIDERS = {
  GradientDescent: ["lr"],
  Momentum: ["lr", "momentum"],
  Nesterov: ["lr", "momentum"],
  AdaGrad: ["lr"],
  RMSProp: ["lr", "rho"],
  Adadelta: ["lr", "rho", "eps"],
  Adam: ["lr", "beta1", "beta2"],
  AdaMax: ["lr", "beta1", "beta2"],
  Nadam: ["lr", "beta1", "beta2"],
  AMSGrad: ["lr", "beta1", "beta2"],
};

// Gradient descent and the momentum methods multiply the gradient by lr; the adaptive
// methods take steps of about lr; Adadelta's steps are about 3e-3 lr at first.
const LR_RANGE = { GradientDescent: [1e-5, 10], Momentum: [1e-5, 10], Nesterov: [1e-5, 10], Adadelta: [1e-2, 1e3] };

const VALUES = {
  momentum: [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99],
  rho: [0, 0.5, 0.8, 0.9, 0.95, 0.99, 0.995, 0.999],
  beta1: [0, 0.5, 0.8, 0.9, 0.95, 0.99],
  beta2: [0.9, 0.99, 0.999, 0.9999],
  eps: [1e-10, 1e-8, 1e-6, 1e-4, 1e-2],
};

/** The values a slider of `name` steps through for `optimizer`. */
export function valuesFor(optimizer, name) {
  if (name === "lr") return logValues(...(LR_RANGE[optimizer] || [1e-4, 100]));
  return VALUES[name];
}

export const STEPS = [10, 20, 30, 50, 70, 100, 150, 200, 300, 500, 700, 1000, 1500, 2000, 3000, 5000];

/** The label of a hyperparameter's slider. */
export const labelFor = (name) => TEXT[name];

/** A number from a data-* attribute, or the fallback. */
export function numberAttr(el, name, fallback) {
  const raw = el.dataset[name];
  if (raw === undefined || raw === "") return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v)) throw new TypeError(`data-${name}="${raw}" is not a number`);
  return v;
}

/** A point from a data-* attribute such as data-x0="-1.5,2". */
export function pointAttr(el, name, fallback) {
  const raw = el.dataset[name];
  if (!raw) return fallback;
  const p = raw.split(",").map(Number);
  if (p.length !== 2 || !p.every(Number.isFinite)) throw new TypeError(`data-${name}="${raw}" is not a point x,y`);
  return p;
}
