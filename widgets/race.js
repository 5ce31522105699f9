// The race of the comparison page: up to four optimizers, each with its own learning rate, on
// one function from one start, animated iteration by iteration.
//
// Markup: <div class="gd-race" data-fn="rosenbrock"></div>; optional data-x0="-1.5,2",
// data-steps="500" and data-racers="GradientDescent:0.001,Momentum:0.001,RMSProp:0.032,Adam:0.32".

import { button, el, listSlider, select } from "./controls.js";
import { ContourPlot } from "./plot.js";
import { numberAttr, pointAttr, STARTS, STEPS, valuesFor } from "./settings.js";
import TEXT, { formatNumber, LANG, optimizerName } from "./text.js";

const SLOTS = 4;
const RACERS = "GradientDescent:0.001,Momentum:0.001,RMSProp:0.032,Adam:0.32";
const DURATION = 5000; // ms for a whole race at normal speed

export function mountRace(root) {
  const gd = window.gdbook;
  const pageFn = root.dataset.fn || "rosenbrock";
  gd.testFunctionNamed(pageFn);
  const racers = (root.dataset.racers || RACERS).split(",").map((item) => {
    const [name, lr] = item.split(":");
    gd.optimizerClass(name);
    return { name, lr: Number(lr) };
  });
  while (racers.length < SLOTS) racers.push({ name: "", lr: 0.01 });
  const initial = {
    fn: pageFn,
    x0: pointAttr(root, "x0", STARTS[pageFn]),
    steps: numberAttr(root, "steps", 500),
    racers,
  };
  let s = structuredClone(initial);
  let runs = [];
  let t = 0; // iteration shown
  let playing = 0; // requestAnimationFrame id while playing
  let clock = 0;

  root.classList.add("gd-ready");
  root.replaceChildren();
  el("p", { class: "gd-title" }, root, TEXT.raceTitle);
  const body = el("div", { class: "gd-body" }, root);
  const figure = el("div", { class: "gd-figure" }, body);
  const classes = Array.from({ length: SLOTS }, (_, k) => `gd-path-${k}`);
  const plot = new ContourPlot(figure, { paths: classes, onStart: setStart });
  const controls = el("div", { class: "gd-controls" }, body);
  const racersBox = el("div", { class: "gd-racers" }, root);

  const fnNames = Object.keys(STARTS).map((k) => [k, gd.functions[k].displayName(LANG)]);
  const fnSelect = select(controls, {
    name: "fn", label: TEXT.fn, options: fnNames, value: s.fn,
    onChange(v) {
      s.fn = v;
      s.x0 = v === initial.fn ? initial.x0.slice() : STARTS[v].slice();
      drawFunction();
      recompute();
    },
  });
  const stepsSlider = listSlider(controls, {
    name: "steps", label: TEXT.steps, values: STEPS, value: s.steps, format: String,
    onChange(v) { s.steps = v; recompute(); },
  });

  const options = [["", TEXT.none], ...Object.keys(gd.OPTIMIZERS).map((k) => [k, optimizerName(k)])];
  const slots = s.racers.map((racer, k) => {
    const row = el("div", { class: `gd-racer ${classes[k]}` }, racersBox);
    const chooser = select(row, {
      name: `optimizer-${k}`, label: TEXT.slot(k + 1), options, value: racer.name,
      onChange(v) {
        s.racers[k].name = v;
        const values = v ? valuesFor(v, "lr") : [];
        if (v && !values.includes(s.racers[k].lr)) s.racers[k].lr = nearest(values, s.racers[k].lr);
        rebuildSlider(k);
        recompute();
      },
    });
    const holder = el("div", { class: "gd-racer-lr" }, row);
    const value = el("output", { class: "gd-race-value" }, row);
    return { row, chooser, holder, value, slider: null };
  });

  const buttons = el("div", { class: "gd-race-buttons" }, controls);
  const playButton = button(buttons, { name: "race-play", label: TEXT.play, onClick: () => (playing ? pause() : play()) });
  button(buttons, { name: "race-step", label: TEXT.step, onClick() { pause(); show(Math.min(t + 1, s.steps)); } });
  button(buttons, {
    name: "race-reset", label: TEXT.reset,
    onClick() {
      pause();
      s = structuredClone(initial);
      fnSelect.input.value = s.fn;
      stepsSlider.set(s.steps);
      s.racers.forEach((_, k) => {
        slots[k].chooser.input.value = s.racers[k].name;
        rebuildSlider(k);
      });
      drawFunction();
      recompute();
    },
  });
  const clockText = el("output", { class: "gd-race-clock", "aria-live": "off" }, buttons);
  el("p", { class: "gd-hint" }, root, TEXT.raceHint);

  function rebuildSlider(k) {
    const slot = slots[k];
    slot.holder.replaceChildren();
    slot.slider = null;
    const racer = s.racers[k];
    if (!racer.name) return;
    slot.slider = listSlider(slot.holder, {
      name: `lr-${k}`, label: TEXT.lr, values: valuesFor(racer.name, "lr"), value: racer.lr,
      onChange(v) { s.racers[k].lr = v; recompute(); },
    });
  }

  function setStart(p) {
    s.x0 = p;
    plot.setStart(p);
    recompute();
  }

  function drawFunction() {
    plot.setFunction(gd.functions[s.fn]);
    plot.setStart(s.x0);
  }

  /** New runs for the current settings; the race goes back to iteration 0. */
  function recompute() {
    runs = s.racers.map((r) =>
      r.name ? gd.run({ optimizer: r.name, params: { lr: r.lr }, fn: s.fn, x0: s.x0, steps: s.steps }) : null,
    );
    const names = s.racers.filter((r) => r.name).map((r) => optimizerName(r.name));
    plot.setLabel(TEXT.plotLabel(gd.functions[s.fn].displayName(LANG), names.join(LANG === "zh" ? "、" : ", ")));
    show(playing ? t : 0);
  }

  /** Draw every path up to iteration `k`, with each value there. */
  function show(k) {
    t = k;
    runs.forEach((run, i) => {
      const slot = slots[i];
      if (!run) {
        plot.setPath(i, null);
        slot.value.textContent = "";
        slot.value.className = "gd-race-value";
        return;
      }
      const last = Math.min(k, run.points.length - 1);
      plot.setPath(i, run.points.slice(0, last + 1));
      const stopped = run.diverged && k >= run.points.length - 1;
      slot.value.className = `gd-race-value${stopped ? " gd-diverged" : ""}`;
      slot.value.textContent = stopped
        ? TEXT.diverged(optimizerName(run.optimizer.constructor.name), run.points.length - 1)
        : `f = ${formatNumber(run.values[last])}`;
    });
    clockText.textContent = TEXT.iteration(k, s.steps);
  }

  function frame(now) {
    const per = s.steps / DURATION;
    const k = Math.min(s.steps, Math.floor(clock + Math.max(0, now - playing.since) * per));
    show(k);
    if (k >= s.steps) {
      pause();
      return;
    }
    playing = { id: requestAnimationFrame(frame), since: playing.since };
  }

  function play() {
    if (t >= s.steps) show(0);
    clock = t;
    playing = { id: requestAnimationFrame(frame), since: performance.now() };
    playButton.textContent = TEXT.pause;
    root.classList.add("gd-playing");
  }

  function pause() {
    if (playing) cancelAnimationFrame(playing.id);
    playing = 0;
    playButton.textContent = TEXT.play;
    root.classList.remove("gd-playing");
  }

  s.racers.forEach((_, k) => rebuildSlider(k));
  drawFunction();
  recompute();
  return { recompute, show, play, pause, plot, get t() { return t; }, get runs() { return runs; } };
}

function nearest(values, v) {
  return values.reduce((best, x) => (Math.abs(Math.log(x / v)) < Math.abs(Math.log(best / v)) ? x : best));
}
