// Labels in the page's language (<html lang>), with the terms of the book's glossary, and
// number formatting that reads the same in both languages (no English words on Chinese pages).

export const LANG = (document.documentElement.lang || "en").toLowerCase().startsWith("zh") ? "zh" : "en";

/** A name followed by Chinese text: a space after Latin letters or digits only. */
const joinZh = (name, rest) => (/[A-Za-z0-9]$/.test(name) ? `${name} ${rest}` : `${name}${rest}`);

const TEXT = {
  en: {
    title: (name) => `Try it: ${name}`,
    raceTitle: "Race: up to four optimizers, each with its own learning rate",
    fn: "Function",
    start: "start",
    end: "end",
    minimum: "minimum",
    lr: "Learning rate η",
    momentum: "Momentum μ",
    rho: "Decay rate ρ",
    beta1: "Decay rate β₁",
    beta2: "Decay rate β₂",
    eps: "ε",
    steps: "Iterations",
    compare: (name) => `Compare with ${name}`,
    lrOf: (name) => `Learning rate η of ${name}`,
    hint: "Drag the white dot, or click anywhere on the plot, to move the start (or focus the dot and use the arrow keys).",
    raceHint: "Drag the white dot to move the start. Each optimizer has its own learning rate.",
    value: (name, value, n) => `${name}: f = ${value} after ${n} iterations`,
    diverged: (name, t) => `${name} diverged at iteration ${t}: the value or the gradient stopped being finite or passed 10¹⁰⁰.`,
    outside: (text) => `${text} (the path left the window)`,
    none: "none",
    slot: (k) => `Optimizer ${k}`,
    play: "Play",
    pause: "Pause",
    step: "Step",
    reset: "Reset",
    iteration: (t, n) => `iteration ${t} of ${n}`,
    startAt: (x, y) => `start (${x}, ${y})`,
    plotLabel: (fn, names) => `Contour plot of the ${fn} with the path of ${names}`,
  },
  zh: {
    title: (name) => `动手试一试：${name}`,
    raceTitle: "赛跑：最多四个优化器，各用自己的学习率",
    fn: "测试函数",
    start: "起点",
    end: "终点",
    minimum: "最小值",
    lr: "学习率 η",
    momentum: "动量 μ",
    rho: "衰减率 ρ",
    beta1: "衰减率 β₁",
    beta2: "衰减率 β₂",
    eps: "数值稳定项 ε",
    steps: "迭代次数",
    compare: (name) => `对比 ${name}`,
    lrOf: (name) => joinZh(name, "的学习率 η"),
    hint: "拖动白点，或在图上任意处点击，即可移动起点（也可选中白点后用方向键）。",
    raceHint: "拖动白点可移动起点。每个优化器有自己的学习率。",
    value: (name, value, n) => `${name}：迭代 ${n} 次后 f = ${value}`,
    diverged: (name, t) => joinZh(name, `在第 ${t} 次迭代发散：函数值或梯度不再有限，或超过 10¹⁰⁰。`),
    outside: (text) => `${text}（路径离开了画面）`,
    none: "无",
    slot: (k) => `优化器 ${k}`,
    play: "播放",
    pause: "暂停",
    step: "单步",
    reset: "重置",
    iteration: (t, n) => `第 ${t} 次迭代，共 ${n} 次`,
    startAt: (x, y) => `起点 (${x}, ${y})`,
    plotLabel: (fn, names) => `${fn}的等高线图，以及 ${names} 的路径`,
  },
}[LANG];

export default TEXT;

const NAMES = {
  en: { GradientDescent: "Gradient descent", Nesterov: "Nesterov momentum" },
  zh: { GradientDescent: "梯度下降", Momentum: "动量", Nesterov: "Nesterov 动量" },
}[LANG];

/** The display name of an optimizer class (gdbook's class names otherwise). */
export const optimizerName = (name) => NAMES[name] || name;

const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

/** A number in three significant digits; powers of ten as 1.2×10⁻⁵ outside [0.001, 10⁴). */
export function formatNumber(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e4) return String(+v.toPrecision(digits));
  const [mantissa, exponent] = v.toExponential(digits - 1).split("e");
  const m = String(+mantissa);
  const e = String(+exponent).replace(/./g, (c) => SUPERSCRIPT[c]);
  return m === "1" ? `10${e}` : m === "-1" ? `−10${e}` : `${m.replace("-", "−")}×10${e}`;
}
