// The contour plot shared by the widget and the race: filled contours of a gdbook test
// function (d3-contour, viridis and the same level rule as gdbook.plot.contour), axes from
// d3-scale, optimization paths drawn with d3-shape, and a start point to drag.

import { quantile, ticks } from "d3-array";
import { contours } from "d3-contour";
import { scaleLinear } from "d3-scale";
import { interpolateViridis } from "d3-scale-chromatic";
import { line } from "d3-shape";

import TEXT from "./text.js";

const SVG = "http://www.w3.org/2000/svg";
const SIZE = 360; // plot area in SVG units (the window is square for every gdbook function)
const MARGIN = { left: 34, right: 8, top: 8, bottom: 24 };
const GRID = 96; // samples per axis for the contours
const LEVELS = 24;
const FAR = 1e5; // SVG coordinates are clamped to +-FAR so a path far outside stays drawable
let clipIds = 0;

/** Create an SVG element with attributes. */
export function svg(tag, attrs = {}, parent = null) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (parent) parent.appendChild(el);
  return el;
}

/** Levels as gdbook.plot.contour picks them: logarithmic for steep valleys, else linear. */
export function levelsFor(values) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const log = lo >= 0 && hi > 100 * quantile(values, 0.1);
  if (log) {
    const first = Math.max(lo, hi * 1e-6, 1e-6);
    const ratio = Math.log(hi / first);
    const levels = Array.from({ length: LEVELS }, (_, k) => first * Math.exp((ratio * k) / (LEVELS - 1)));
    return { log, levels, lo: first, hi };
  }
  return { log, levels: ticks(lo, hi, LEVELS), lo, hi };
}

export class ContourPlot {
  /**
   * @param {HTMLElement} parent where the <svg> goes
   * @param {object} options {paths: [class names], onStart([x, y]), label}
   */
  constructor(parent, { paths, onStart }) {
    this.onStart = onStart;
    const w = MARGIN.left + SIZE + MARGIN.right;
    const h = MARGIN.top + SIZE + MARGIN.bottom;
    // two layers: the contours, drawn once per function, and on top of them (in its own
    // compositing layer) the paths and the start, redrawn on every change
    const stack = document.createElement("div");
    stack.className = "gd-stack";
    parent.appendChild(stack);
    const box = { viewBox: `0 0 ${w} ${h}`, "aria-hidden": "true" };
    const under = svg("svg", { class: "gd-contours", ...box }, stack);
    this.svg = svg("svg", { class: "gd-plot", viewBox: `0 0 ${w} ${h}`, role: "img" }, stack);
    const clip = `gd-clip-${++clipIds}`;
    const defs = svg("defs", {}, this.svg);
    svg("rect", { x: MARGIN.left, y: MARGIN.top, width: SIZE, height: SIZE },
      svg("clipPath", { id: clip }, defs));
    const inside = { "clip-path": `url(#${clip})` };
    const area = { x: MARGIN.left, y: MARGIN.top, width: SIZE, height: SIZE };
    this.background = svg("rect", { class: "gd-background", ...area }, under);
    this.bands = svg("g", { class: "gd-bands" }, under);
    this.minima = svg("g", { class: "gd-minima" }, under);
    this.axes = svg("g", { class: "gd-axes" }, under);
    svg("rect", { class: "gd-frame", ...area }, under);
    const layer = svg("g", { class: "gd-paths", ...inside }, this.svg);
    this.paths = paths.map((cls) => ({
      line: svg("path", { class: `gd-path ${cls}`, d: "" }, layer),
      dots: svg("path", { class: `gd-dots ${cls}`, d: "" }, layer),
      end: svg("circle", { class: `gd-end ${cls}`, r: 3.5, cx: -10, cy: -10 }, layer),
    }));
    this.start = svg("circle", { class: "gd-start", r: 7, tabindex: 0, role: "button" }, this.svg);
    this.title = svg("title", {}, this.svg);
    this.line = line().digits(1);
    this.dragging = null;
    this.listen();
  }

  /** Draw a test function: contours, axes and minima in its gdbook window. */
  setFunction(fn) {
    this.fn = fn;
    const [[x0, x1], [y0, y1]] = fn.bounds;
    this.sx = scaleLinear().domain([x0, x1]).range([MARGIN.left, MARGIN.left + SIZE]);
    this.sy = scaleLinear().domain([y0, y1]).range([MARGIN.top + SIZE, MARGIN.top]);
    const values = new Float64Array(GRID * GRID);
    for (let j = 0; j < GRID; j++) {
      const y = y0 + ((j + 0.5) * (y1 - y0)) / GRID;
      for (let i = 0; i < GRID; i++) values[j * GRID + i] = fn.fn([x0 + ((i + 0.5) * (x1 - x0)) / GRID, y]);
    }
    const { log, levels, lo, hi } = levelsFor(values);
    if (log) for (let k = 0; k < values.length; k++) values[k] = Math.max(values[k], levels[0]);
    const colour = log
      ? (v) => interpolateViridis(Math.log(v / lo) / Math.log(hi / lo))
      : (v) => interpolateViridis((v - lo) / (hi - lo || 1));
    // grid units (sample i sits at i + 0.5) to SVG units
    const gx = scaleLinear().domain([0, GRID]).range(this.sx.range());
    const gy = scaleLinear().domain([0, GRID]).range(this.sy.range());
    const ring = line().x((p) => gx(p[0])).y((p) => gy(p[1])).digits(1);
    const bands = contours().size([GRID, GRID]).thresholds(levels)(values);
    this.background.setAttribute("fill", colour(lo));
    this.bands.replaceChildren(...bands.filter((b) => b.coordinates.length).map((band) => {
      const d = band.coordinates.map((polygon) => polygon.map((r) => ring(r) + "Z").join("")).join("");
      return svg("path", { d, fill: colour(band.value) });
    }));
    this.minima.replaceChildren(...fn.minima.map(([mx, my]) => {
      const x = this.sx(mx);
      const y = this.sy(my);
      return svg("path", { class: "gd-minimum", d: `M${x - 5},${y - 5}L${x + 5},${y + 5}M${x - 5},${y + 5}L${x + 5},${y - 5}` });
    }));
    this.drawAxes();
  }

  drawAxes() {
    const nodes = [];
    const bottom = MARGIN.top + SIZE;
    for (const t of this.sx.ticks(5)) {
      const x = this.sx(t);
      nodes.push(svg("line", { x1: x, x2: x, y1: bottom, y2: bottom + 4 }));
      const label = svg("text", { x, y: bottom + 15, "text-anchor": "middle" });
      label.textContent = String(t).replace("-", "−");
      nodes.push(label);
    }
    for (const t of this.sy.ticks(5)) {
      const y = this.sy(t);
      nodes.push(svg("line", { x1: MARGIN.left - 4, x2: MARGIN.left, y1: y, y2: y }));
      const label = svg("text", { x: MARGIN.left - 6, y: y + 3.5, "text-anchor": "end" });
      label.textContent = String(t).replace("-", "−");
      nodes.push(label);
    }
    this.axes.replaceChildren(...nodes);
  }

  /** The k-th path: a polyline through the points, a dot at each iterate when few, the end. */
  setPath(k, points) {
    const p = this.paths[k];
    if (!points || points.length === 0) {
      p.line.setAttribute("d", "");
      p.dots.setAttribute("d", "");
      p.end.setAttribute("cx", -10);
      p.end.setAttribute("cy", -10);
      return;
    }
    const xy = points.map(([x, y]) => [clamp(this.sx(x)), clamp(this.sy(y))]);
    p.line.setAttribute("d", this.line(xy));
    p.dots.setAttribute("d", xy.length <= 201 ? xy.map(([x, y]) => `M${x.toFixed(1)},${y.toFixed(1)}h0`).join("") : "");
    const [ex, ey] = xy[xy.length - 1];
    p.end.setAttribute("cx", ex.toFixed(1));
    p.end.setAttribute("cy", ey.toFixed(1));
  }

  setStart([x, y]) {
    this.x0 = [x, y];
    this.start.setAttribute("cx", this.sx(x).toFixed(1));
    this.start.setAttribute("cy", this.sy(y).toFixed(1));
    this.start.setAttribute("aria-label", TEXT.startAt(round(x), round(y)));
  }

  setLabel(text) {
    this.title.textContent = text;
    this.svg.setAttribute("aria-label", text);
  }

  /** True when a point lies outside the plotted window. */
  outside([x, y]) {
    const [[x0, x1], [y0, y1]] = this.fn.bounds;
    return x < x0 || x > x1 || y < y0 || y > y1;
  }

  /** Pointer (drag or click) and keyboard control of the start. */
  listen() {
    const toData = (event) => {
      const m = this.svg.getScreenCTM();
      if (!m) return null;
      const p = new DOMPoint(event.clientX, event.clientY).matrixTransform(m.inverse());
      const [[x0, x1], [y0, y1]] = this.fn.bounds;
      const x = Math.min(x1, Math.max(x0, this.sx.invert(p.x)));
      const y = Math.min(y1, Math.max(y0, this.sy.invert(p.y)));
      return [round(x), round(y)];
    };
    this.svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      const p = toData(event);
      if (!p) return;
      event.preventDefault();
      this.dragging = event.pointerId;
      this.svg.setPointerCapture(event.pointerId);
      this.start.focus({ preventScroll: true });
      this.onStart(p);
    });
    this.svg.addEventListener("pointermove", (event) => {
      if (this.dragging !== event.pointerId) return;
      const p = toData(event);
      if (p) this.onStart(p);
    });
    const stop = (event) => {
      if (this.dragging === event.pointerId) this.dragging = null;
    };
    this.svg.addEventListener("pointerup", stop);
    this.svg.addEventListener("pointercancel", stop);
    this.start.addEventListener("keydown", (event) => {
      const moves = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1] };
      const move = moves[event.key];
      if (!move) return;
      event.preventDefault();
      const [[x0, x1], [y0, y1]] = this.fn.bounds;
      const step = (event.shiftKey ? 0.1 : 0.02) * (x1 - x0);
      const x = Math.min(x1, Math.max(x0, this.x0[0] + move[0] * step));
      const y = Math.min(y1, Math.max(y0, this.x0[1] + move[1] * step));
      this.onStart([round(x), round(y)]);
    });
  }
}

const clamp = (v) => Math.max(-FAR, Math.min(FAR, v));

/** A coordinate rounded to 3 decimals (what a reader can place by hand; also the label). */
export const round = (v) => Math.round(v * 1000) / 1000 || 0;
