/* gdbook.js: gdbook's optimizers, test functions and run loop, in JavaScript.
 *
 * A line-by-line port of gdbook/optimizers.py, gdbook/functions.py and gdbook.minimize
 * (gdbook/run.py) for the site's interactive figures. Every update rule, every function and
 * the run loop compute in the same order of operations as the Python, so a run here matches
 * gdbook to the last bit or two: V8's Math.pow (used for beta ** t and y ** 3) and glibc's
 * pow can differ in the last bit. tests/test_widget.py compares the two on many cases.
 *
 * Points are plain arrays of numbers, one entry per coordinate. An optimizer is an object of
 * hyperparameters with two methods, as in gdbook:
 *
 *   const opt = new gdbook.Adam({lr: 0.01});     // gdbook's names and defaults
 *   let state = opt.init(x);                     // {t: 0, m: [...], v: [...]}
 *   [x, state] = opt.step(x, g, state);          // new arrays; the inputs are not modified
 *
 * and the run loop, with gdbook.minimize's divergence rules, is
 *
 *   gdbook.run({optimizer: "Adam", params: {lr: 0.01}, fn: "rosenbrock", x0: [-1.5, 2], steps: 300})
 *   // -> {points: [[x, y], ...], values: [...], diverged: false, message: "...", ...}
 *
 * The script defines window.gdbook when it runs (it is a plain script in every page's head
 * list), and window.gdbookReady, a promise of the same object, for code that prefers to await.
 * Under Node, require() returns the same object.
 */
(function (root, factory) {
  "use strict";
  const gdbook = factory();
  if (typeof module === "object" && module.exports) module.exports = gdbook;
  if (root) {
    root.gdbook = Object.assign(root.gdbook || {}, gdbook);
    root.gdbookReady = Promise.resolve(root.gdbook);
  }
})(typeof window !== "undefined" ? window : null, function () {
  "use strict";

  // --- checks, as in gdbook.optimizers ----------------------------------------------------

  function asPoint(x, name = "x") {
    if (!Array.isArray(x) && !ArrayBuffer.isView(x)) {
      throw new TypeError(`${name} must be an array of numbers, got ${typeof x}`);
    }
    if (x.length === 0) throw new RangeError(`${name} must not be empty`);
    const out = Array.from(x, Number);
    out.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new RangeError(`${name} is not finite: ${name}[${i}] = ${x[i]}`);
    });
    return out;
  }

  function checkReal(owner, name, value) {
    if (typeof value !== "number") {
      throw new TypeError(`${owner}: ${name} must be a real number, got ${JSON.stringify(value)}`);
    }
    if (Number.isNaN(value)) throw new RangeError(`${owner}: ${name} must be a number, got NaN`);
    return value;
  }

  function fail(owner, name, value, what) {
    throw new RangeError(`${owner}: ${name} must be ${what}, got ${value}`);
  }

  function positive(owner, name, value) {
    if (!(checkReal(owner, name, value) > 0 && value < Infinity)) fail(owner, name, value, "positive and finite");
  }

  function nonnegative(owner, name, value) {
    if (!(checkReal(owner, name, value) >= 0 && value < Infinity)) {
      fail(owner, name, value, "zero or positive and finite");
    }
  }

  function decay(owner, name, value) {
    if (!(checkReal(owner, name, value) >= 0 && value < 1)) fail(owner, name, value, "in [0, 1)");
  }

  function nonnegativeOrInf(owner, name, value) {
    if (!(checkReal(owner, name, value) >= 0)) fail(owner, name, value, "zero or positive");
  }

  const CHECKS = {
    lr: positive,
    eps: nonnegative,
    momentum: decay,
    rho: decay,
    beta1: decay,
    beta2: decay,
    initial_accumulator: nonnegative,
    weight_decay: nonnegative,
    momentum_decay: nonnegativeOrInf,
  };

  // --- shared pieces of the update rules (gdbook's _ema, _ema_of_squares, _descend) --------

  /** decay * average + (1 - decay) * value, in torch's lerp form: average + (value - average) * (1 - decay). */
  function ema(average, value, decay) {
    const w = 1.0 - decay;
    return average.map((a, i) => (value[i] - a) * w + a);
  }

  /** decay * average + (1 - decay) * g ** 2, as average + (g * g - average) * (1 - decay). */
  function emaOfSquares(average, g, decay) {
    const w = 1.0 - decay;
    return average.map((a, i) => (g[i] * g[i] - a) * w + a);
  }

  /** x - scale * direction, computed as direction * -scale + x (gdbook's in-place order). */
  function descend(x, scale, direction) {
    return direction.map((d, i) => d * -scale + x[i]);
  }

  const zeros = (x) => x.map(() => 0.0);
  const full = (x, value) => x.map(() => value);

  // --- the optimizers ------------------------------------------------------------------------

  /** Base class: hyperparameters from an object, checked; init / step as in gdbook. */
  class Optimizer {
    constructor(params = {}) {
      const owner = this.constructor.name;
      const defaults = this.constructor.defaults;
      for (const key of Object.keys(params)) {
        if (!(key in defaults)) {
          const known = Object.keys(defaults).join(", ");
          throw new TypeError(`${owner}: unknown hyperparameter ${key}; it has ${known}`);
        }
      }
      Object.assign(this, defaults, params);
      for (const key of Object.keys(defaults)) {
        const value = this[key];
        if (key === "variant") {
          const variants = this.constructor.variants;
          if (!variants.includes(value)) {
            throw new RangeError(`${owner}: unknown variant ${value}; choose one of ${variants.join(", ")}`);
          }
        } else if (typeof defaults[key] === "boolean") {
          if (typeof value !== "boolean") throw new TypeError(`${owner}: ${key} must be true or false`);
        } else if (key in CHECKS) {
          CHECKS[key](owner, key, value);
        }
      }
      Object.freeze(this);
    }

    /** The starting state for parameters shaped like x (t = 0). */
    init(x) {
      return this.initState(asPoint(x));
    }

    /** One update: [x_new, state_new]; neither x, g nor state is modified. */
    step(x, g, state) {
      x = asPoint(x);
      g = asPoint(g, "gradient");
      if (g.length !== x.length) {
        throw new RangeError(`gradient length ${g.length} does not match x length ${x.length}`);
      }
      if (this.weight_decay) g = g.map((gi, i) => gi + this.weight_decay * x[i]); // torch's L2
      return this.update(x, g, state);
    }

    /** The hyperparameters, as an object. */
    get params() {
      return Object.fromEntries(Object.keys(this.constructor.defaults).map((k) => [k, this[k]]));
    }
  }
  Optimizer.variants = [];

  /** Plain gradient descent: x <- x - lr g. torch.optim.SGD without momentum. */
  class GradientDescent extends Optimizer {
    initState() {
      return { t: 0 };
    }
    update(x, g, state) {
      return [x.map((xi, i) => xi - this.lr * g[i]), { t: state.t + 1 }];
    }
  }
  GradientDescent.defaults = { lr: 1e-3, weight_decay: 0.0 };

  /** Heavy-ball momentum: v <- momentum v + g, then x <- x - lr v. torch SGD(momentum=...). */
  class Momentum extends Optimizer {
    initState(x) {
      return { t: 0, v: zeros(x) };
    }
    update(x, g, state) {
      const v = state.v.map((vi, i) => this.momentum * vi + g[i]);
      return [x.map((xi, i) => xi - this.lr * v[i]), { t: state.t + 1, v }];
    }
  }
  Momentum.defaults = { lr: 1e-3, momentum: 0.9, weight_decay: 0.0 };

  /** Nesterov momentum, look-ahead form: v <- momentum v + g, x <- x - lr (g + momentum v). */
  class Nesterov extends Momentum {
    update(x, g, state) {
      const v = state.v.map((vi, i) => this.momentum * vi + g[i]);
      return [x.map((xi, i) => xi - this.lr * (g[i] + this.momentum * v[i])), { t: state.t + 1, v }];
    }
  }

  /** AdaGrad: s <- s + g^2, x <- x - lr g / (sqrt(s) + eps). torch.optim.Adagrad. */
  class AdaGrad extends Optimizer {
    initState(x) {
      return { t: 0, s: full(x, this.initial_accumulator) };
    }
    update(x, g, state) {
      const s = state.s.map((si, i) => si + g[i] * g[i]);
      const denom = this.eps_inside_sqrt
        ? s.map((si) => Math.sqrt(si + this.eps))
        : s.map((si) => Math.sqrt(si) + this.eps);
      const step = g.map((gi, i) => gi / denom[i]);
      return [descend(x, this.lr, step), { t: state.t + 1, s }];
    }
  }
  AdaGrad.defaults = { lr: 1e-2, eps: 1e-10, initial_accumulator: 0.0, eps_inside_sqrt: false, weight_decay: 0.0 };

  /** RMSProp: s <- rho s + (1 - rho) g^2, x <- x - lr g / (sqrt(s) + eps). torch RMSprop(alpha=rho). */
  class RMSProp extends Optimizer {
    initState(x) {
      return { t: 0, s: zeros(x) };
    }
    update(x, g, state) {
      const s = emaOfSquares(state.s, g, this.rho);
      const denom = this.eps_inside_sqrt
        ? s.map((si) => Math.sqrt(si + this.eps))
        : s.map((si) => Math.sqrt(si) + this.eps);
      const step = g.map((gi, i) => gi / denom[i]);
      return [descend(x, this.lr, step), { t: state.t + 1, s }];
    }
  }
  RMSProp.defaults = { lr: 1e-2, rho: 0.99, eps: 1e-8, eps_inside_sqrt: false, weight_decay: 0.0 };

  /** Adadelta (Zeiler 2012): the step is sqrt(E[dx^2] + eps) / sqrt(E[g^2] + eps) g. torch.optim.Adadelta. */
  class Adadelta extends Optimizer {
    initState(x) {
      return { t: 0, eg2: zeros(x), edx2: zeros(x) };
    }
    update(x, g, state) {
      const eg2 = emaOfSquares(state.eg2, g, this.rho);
      const dx = g.map((gi, i) => (Math.sqrt(state.edx2[i] + this.eps) / Math.sqrt(eg2[i] + this.eps)) * gi);
      const edx2 = emaOfSquares(state.edx2, dx, this.rho);
      return [descend(x, this.lr, dx), { t: state.t + 1, eg2, edx2 }];
    }
  }
  Adadelta.defaults = { lr: 1.0, rho: 0.9, eps: 1e-6, weight_decay: 0.0 };

  /** Adam (Kingma & Ba, Algorithm 1), in torch's order: x - lr_t m / (sqrt(v) + eps c). */
  class Adam extends Optimizer {
    initState(x) {
      return { t: 0, m: zeros(x), v: zeros(x) };
    }
    update(x, g, state) {
      const t = state.t + 1;
      const m = ema(state.m, g, this.beta1);
      const v = emaOfSquares(state.v, g, this.beta2);
      // lr * m_hat / (sqrt(v_hat) + eps) with both sides times c = sqrt(1 - beta2^t)
      const c = Math.sqrt(1.0 - this.beta2 ** t);
      const lrT = (this.lr * c) / (1.0 - this.beta1 ** t);
      const step = m.map((mi, i) => mi / (Math.sqrt(v[i]) + this.eps * c));
      return [descend(x, lrT, step), { t, m, v }];
    }
  }
  Adam.defaults = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weight_decay: 0.0 };

  /** AdaMax (Kingma & Ba, Algorithm 2): u <- max(beta2 u, |g| + eps) (torch), step m / u. */
  class AdaMax extends Optimizer {
    initState(x) {
      return { t: 0, m: zeros(x), u: zeros(x) };
    }
    update(x, g, state) {
      const t = state.t + 1;
      const m = ema(state.m, g, this.beta1);
      let u, step;
      if (this.variant === "paper") {
        u = state.u.map((ui, i) => Math.max(this.beta2 * ui, Math.abs(g[i])));
        step = m.map((mi, i) => (u[i] > 0 ? mi / u[i] : 0.0));
      } else {
        u = state.u.map((ui, i) => Math.max(this.beta2 * ui, Math.abs(g[i]) + this.eps));
        step = m.map((mi, i) => mi / u[i]);
      }
      const lrT = this.lr / (1.0 - this.beta1 ** t);
      return [descend(x, lrT, step), { t, m, u }];
    }
  }
  AdaMax.defaults = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, variant: "torch", weight_decay: 0.0 };
  AdaMax.variants = ["torch", "paper"];

  /** Nadam (Dozat 2016), torch's NAdam: the momentum schedule mu_t and a look-ahead step. */
  class Nadam extends Optimizer {
    initState(x) {
      return { t: 0, m: zeros(x), v: zeros(x), mu_product: 1.0 };
    }
    /** The momentum schedule mu_t = beta1 (1 - 0.5 * 0.96 ** (t psi)). */
    mu(t) {
      const exponent = t ? t * this.momentum_decay : 0.0;
      return this.beta1 * (1.0 - 0.5 * 0.96 ** exponent);
    }
    update(x, g, state) {
      const t = state.t + 1;
      const mu = this.mu(t);
      const muNext = this.mu(t + 1);
      const muProduct = state.mu_product * mu;
      const m = ema(state.m, g, this.beta1);
      const v = emaOfSquares(state.v, g, this.beta2);
      const bias2 = 1.0 - this.beta2 ** t;
      const a = (1.0 - mu) / (1.0 - muProduct);
      const b = muNext / (1.0 - muProduct * muNext);
      const step = g.map((gi, i) => (a * gi + b * m[i]) / (Math.sqrt(v[i] / bias2) + this.eps));
      return [descend(x, this.lr, step), { t, m, v, mu_product: muProduct }];
    }
  }
  Nadam.defaults = { lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, momentum_decay: 4e-3, weight_decay: 0.0 };

  /** AMSGrad (Reddi et al. 2018); default variant torch's Adam(amsgrad=True). */
  class AMSGrad extends Optimizer {
    initState(x) {
      return { t: 0, m: zeros(x), v: zeros(x), v_max: zeros(x) };
    }
    update(x, g, state) {
      const t = state.t + 1;
      const beta1T = this.variant === "original" ? this.beta1 ** t : this.beta1;
      const m = ema(state.m, g, beta1T);
      const v = emaOfSquares(state.v, g, this.beta2);
      let vMax, denom, lrT;
      if (this.variant === "torch") {
        vMax = state.v_max.map((a, i) => Math.max(a, v[i]));
        const bias2 = 1.0 - this.beta2 ** t;
        denom = vMax.map((a) => Math.sqrt(a / bias2) + this.eps);
        lrT = this.lr / (1.0 - this.beta1 ** t);
      } else if (this.variant === "optax") {
        const bias2 = 1.0 - this.beta2 ** t;
        vMax = state.v_max.map((a, i) => Math.max(a, v[i] / bias2));
        denom = vMax.map((a) => Math.sqrt(a) + this.eps);
        lrT = this.lr / (1.0 - this.beta1 ** t);
      } else {
        // "paper" and "original": no bias correction
        vMax = state.v_max.map((a, i) => Math.max(a, v[i]));
        denom = vMax.map((a) => Math.sqrt(a) + this.eps);
        lrT = this.lr;
      }
      const step = m.map((mi, i) => mi / denom[i]);
      return [descend(x, lrT, step), { t, m, v, v_max: vMax }];
    }
  }
  AMSGrad.defaults = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, variant: "torch", weight_decay: 0.0 };
  AMSGrad.variants = ["torch", "optax", "paper", "original"];

  const OPTIMIZERS = {
    GradientDescent, Momentum, Nesterov, AdaGrad, RMSProp, Adadelta, Adam, AdaMax, Nadam, AMSGrad,
  };

  // --- the test functions, as in gdbook.functions ------------------------------------------

  /** np.sum of a short vector: NumPy adds the entries from the first one on (fewer than 8). */
  function npSum(a) {
    let total = a[0];
    for (let i = 1; i < a.length; i++) total += a[i];
    return total;
  }

  const TWO_PI = 2 * Math.PI; // 2 * np.pi, computed first as in NumPy
  const TWENTY_PI = 20 * Math.PI;

  /** A test function: value, gradient, window and known minima (gdbook.functions.TestFunction). */
  function testFunction(name, nameZh, formula, fn, grad, bounds, minima, minValue = 0.0) {
    return Object.freeze({
      name, name_zh: nameZh, formula, fn, grad, bounds, minima, min_value: minValue,
      dim: bounds.length,
      gradient: grad,
      displayName: (language = "en") => (language === "zh" ? nameZh : name),
    });
  }

  function sphereFn(x) {
    return npSum(x.map((xi) => xi * xi));
  }
  const sphereGrad = (x) => x.map((xi) => 2.0 * xi);

  function boothFn([x, y]) {
    const a = x + 2 * y - 7;
    const b = 2 * x + y - 5;
    return a * a + b * b;
  }
  function boothGrad([x, y]) {
    const a = x + 2 * y - 7;
    const b = 2 * x + y - 5;
    return [2 * a + 4 * b, 4 * a + 2 * b];
  }

  function rosenbrockFn([x, y]) {
    const r = y - x * x;
    return (1 - x) * (1 - x) + 100 * (r * r);
  }
  function rosenbrockGrad([x, y]) {
    const r = y - x * x;
    return [-2 * (1 - x) - 400 * x * r, 200 * r];
  }

  function bealeTerms([x, y]) {
    return [1.5 - x + x * y, 2.25 - x + x * (y * y), 2.625 - x + x * y ** 3];
  }
  function bealeFn(p) {
    const [a, b, c] = bealeTerms(p);
    return a * a + b * b + c * c;
  }
  function bealeGrad(p) {
    const [a, b, c] = bealeTerms(p);
    const [x, y] = p;
    const dx = 2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y ** 3 - 1);
    const dy = 2 * a * x + 4 * b * x * y + 6 * c * x * (y * y);
    return [dx, dy];
  }

  function himmelblauFn([x, y]) {
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return a * a + b * b;
  }
  function himmelblauGrad([x, y]) {
    const a = x * x + y - 11;
    const b = x + y * y - 7;
    return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
  }

  function rastriginFn(x) {
    return 10.0 * x.length + npSum(x.map((xi) => xi * xi - 10 * Math.cos(TWO_PI * xi)));
  }
  const rastriginGrad = (x) => x.map((xi) => 2 * xi + TWENTY_PI * Math.sin(TWO_PI * xi));

  const saddleFn = ([x, y]) => x * x - y * y;
  const saddleGrad = ([x, y]) => [2 * x, -2 * y];

  /** The quadratic bowl 0.5 (a x^2 + b y^2), condition number max(a, b) / min(a, b). */
  function quadratic(a = 0.2, b = 4.0) {
    for (const [name, value] of [["a", a], ["b", b]]) {
      if (!(Number.isFinite(value) && value > 0)) {
        throw new RangeError(`quadratic: curvature ${name} must be positive and finite, got ${value}`);
      }
    }
    const k = +(Math.max(a, b) / Math.min(a, b)).toPrecision(6);
    return testFunction(
      `ill-conditioned quadratic (κ = ${k})`, `病态二次函数（κ = ${k}）`,
      `\\tfrac12\\,(${a}\\,x^2 + ${b}\\,y^2)`,
      ([x, y]) => 0.5 * (a * (x * x) + b * (y * y)),
      ([x, y]) => [a * x, b * y],
      [[-5, 5], [-5, 5]], [[0, 0]],
    );
  }

  const functions = {
    sphere: testFunction("sphere", "球面函数", "x^2 + y^2", sphereFn, sphereGrad,
      [[-1, 1], [-1, 1]], [[0, 0]]),
    parabola: testFunction("parabola", "抛物线", "x^2", sphereFn, sphereGrad, [[-1, 1]], [[0]]),
    booth: testFunction("Booth", "Booth 函数", "(x + 2y - 7)^2 + (2x + y - 5)^2", boothFn, boothGrad,
      [[-10, 10], [-10, 10]], [[1, 3]]),
    rosenbrock: testFunction("Rosenbrock", "Rosenbrock 函数", "(1 - x)^2 + 100\\,(y - x^2)^2",
      rosenbrockFn, rosenbrockGrad, [[-2, 2], [-1, 3]], [[1, 1]]),
    beale: testFunction("Beale", "Beale 函数",
      "(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", bealeFn, bealeGrad,
      [[-4.5, 4.5], [-4.5, 4.5]], [[3, 0.5]]),
    himmelblau: testFunction("Himmelblau", "Himmelblau 函数", "(x^2 + y - 11)^2 + (x + y^2 - 7)^2",
      himmelblauFn, himmelblauGrad, [[-5, 5], [-5, 5]],
      [[3, 2], [-2.805118, 3.131313], [-3.77931, -3.283186], [3.584428, -1.848127]]),
    rastrigin: testFunction("Rastrigin", "Rastrigin 函数",
      "20 + \\sum_i \\left(x_i^2 - 10\\cos(2\\pi x_i)\\right)", rastriginFn, rastriginGrad,
      [[-5.12, 5.12], [-5.12, 5.12]], [[0, 0]]),
    saddle: testFunction("saddle", "鞍面函数", "x^2 - y^2", saddleFn, saddleGrad,
      [[-1, 1], [-1, 1]], [], -Infinity),
    ill_conditioned: quadratic(0.2, 4.0),
  };

  // --- the run loop: gdbook.minimize ------------------------------------------------------

  const maxAbs = (a) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  /** A number as Python's f"{v:g}" writes it (six significant digits), for gdbook's messages. */
  function gFormat(v) {
    if (Number.isNaN(v)) return "nan";
    if (!Number.isFinite(v)) return v > 0 ? "inf" : "-inf";
    if (v === 0) return Object.is(v, -0) ? "-0" : "0";
    const [mantissa, e] = v.toExponential(5).split("e");
    const exponent = Number(e);
    if (exponent < -4 || exponent >= 6) {
      const digits = String(Math.abs(exponent)).padStart(2, "0");
      return `${mantissa.replace(/\.?0+$/, "")}e${exponent < 0 ? "-" : "+"}${digits}`;
    }
    return String(Number(v.toPrecision(6)));
  }

  /**
   * Run `optimizer` from `x0` for `nIter` iterations and record the path: gdbook.minimize.
   *
   * Iteration t (from 0) evaluates the gradient at the current point, takes one step and
   * evaluates the objective at the new point. The run stops early when the gradient norm is at
   * most `tol` (converged), or when a gradient or value is not finite or exceeds `max_value`
   * in size (diverged); the last recorded point is then the last finite one.
   */
  function minimize(objective, x0, optimizer, nIter = 100, { tol = null, max_value = 1e100 } = {}) {
    if (!(optimizer instanceof Optimizer)) throw new TypeError("optimizer must be a gdbook optimizer");
    if (!Number.isInteger(nIter) || nIter < 0) {
      throw new RangeError(`n_iter must be a whole number >= 0, got ${nIter}`);
    }
    const f = typeof objective === "function" ? objective : objective.fn;
    const grad = objective.gradient || objective.grad;
    if (typeof grad !== "function") throw new TypeError("minimize: the objective has no gradient");
    let x = asPoint(x0, "x0");
    let state = optimizer.init(x);
    const points = [x];
    const values = [f(x)];
    if (!Number.isFinite(values[0])) {
      throw new RangeError(`the objective is not finite at x0: f(${x}) = ${values[0]}`);
    }
    let converged = false;
    let diverged = false;
    let message = `completed ${nIter} iterations`;
    for (let t = 0; t < nIter; t++) {
      const g = Array.from(grad(x));
      if (g.length !== x.length) {
        throw new RangeError(`gradient length ${g.length} does not match x length ${x.length}`);
      }
      const finite = g.every(Number.isFinite);
      if (!finite || maxAbs(g) > max_value) {
        const what = finite ? `exceeds ${gFormat(max_value)}` : "is not finite";
        diverged = true;
        message = `diverged: the gradient ${what} at iteration ${t}`;
        break;
      }
      if (tol !== null && Math.sqrt(g.reduce((s, gi) => s + gi * gi, 0)) <= tol) {
        converged = true;
        message = `converged: ||g|| <= ${gFormat(tol)} after ${t} iterations`;
        break;
      }
      const [xNew, stateNew] = optimizer.update(x, g, state); // step() without its checks: they hold
      const value = f(xNew);
      if (!(xNew.every(Number.isFinite) && Math.abs(value) <= max_value)) {
        diverged = true;
        message = `diverged: f = ${gFormat(value)} at iteration ${t} (limit ${gFormat(max_value)})`;
        break;
      }
      x = xNew;
      state = stateNew;
      points.push(x);
      values.push(value);
    }
    return { points, values, optimizer, state, converged, diverged, message };
  }

  /** Look up an optimizer class by gdbook's name, or fail with the list of names. */
  function optimizerClass(name) {
    if (!Object.prototype.hasOwnProperty.call(OPTIMIZERS, name)) {
      throw new TypeError(`unknown optimizer ${name}; choose one of ${Object.keys(OPTIMIZERS).join(", ")}`);
    }
    return OPTIMIZERS[name];
  }

  /** Look up a test function by its name in gdbook.functions. */
  function testFunctionNamed(name) {
    if (typeof name !== "string") return name;
    if (!Object.prototype.hasOwnProperty.call(functions, name)) {
      throw new TypeError(`unknown function ${name}; choose one of ${Object.keys(functions).join(", ")}`);
    }
    return functions[name];
  }

  /**
   * One run, by names: {optimizer: "Adam", params: {lr: 0.01}, fn: "rosenbrock", x0: [-1.5, 2], steps: 300}.
   * Returns minimize's record: {points, values, diverged, converged, message, state, optimizer}.
   * Options: max_value (default 1e100, as gdbook.minimize) and tol.
   */
  function run({ optimizer, params = {}, fn, x0, steps = 100, max_value = 1e100, tol = null }) {
    const opt = optimizer instanceof Optimizer ? optimizer : new (optimizerClass(optimizer))(params);
    return minimize(testFunctionNamed(fn), x0, opt, steps, { max_value, tol });
  }

  return {
    version: "1",
    Optimizer, ...OPTIMIZERS, OPTIMIZERS, optimizerClass,
    functions, quadratic, testFunctionNamed,
    minimize, run, asPoint,
  };
});
