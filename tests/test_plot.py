"""Figures: Chinese labels with no missing glyphs, deterministic bytes, basic contents."""

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import gdbook as gd  # noqa: E402
from gdbook import functions as F  # noqa: E402


def render(lang):
    gd.plot.set_language(lang)
    run = gd.minimize(F.beale, [1.0, 1.0], gd.Adam(lr=0.05), n_iter=100)
    fig = plt.figure(figsize=(10, 4))
    gd.plot.contour(F.beale, {"Adam": run}, ax=fig.add_subplot(1, 3, 1))
    gd.plot.surface(F.beale, run, ax=fig.add_subplot(1, 3, 2, projection="3d"))
    gd.plot.convergence({"Adam": run}, ax=fig.add_subplot(1, 3, 3))
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_missing_glyph_and_deterministic(lang):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph ... missing from font(s)" is a UserWarning
        first, second = render(lang), render(lang)
    assert first == second
    gd.plot.set_language("en")


def test_chinese_labels_use_the_cjk_font():
    from matplotlib import font_manager

    gd.plot.set_language("zh")
    try:
        assert gd.plot.text("iteration") == "迭代次数"
        ax = gd.plot.convergence({"a": [1.0, 0.5, 0.25]})
        label = ax.xaxis.label
        path = font_manager.findfont(font_manager.FontProperties(family=gd.plot.CJK_FONT))
        assert "NotoSansCJK" in path
        assert label.get_text() == "迭代次数"
        plt.close("all")
    finally:
        gd.plot.set_language("en")
    with pytest.raises(ValueError, match="language must be 'en' or 'zh', got 'fr'"):
        gd.plot.set_language("fr")


def test_contour_draws_every_path_with_equal_axes():
    runs = {name: gd.minimize(F.sphere, [0.8, -0.6], opt, 30) for name, opt in
            {"GD": gd.GradientDescent(lr=0.1), "Adam": gd.Adam(lr=0.05)}.items()}  # fmt: skip
    ax = gd.plot.contour(F.sphere, runs)
    labels = [line.get_label() for line in ax.get_lines()]
    assert "GD" in labels and "Adam" in labels
    assert ax.get_aspect() == 1.0
    assert ax.get_xlim() == (-1.0, 1.0)  # the end point 1.0 is included
    gdl = next(line for line in ax.get_lines() if line.get_label() == "GD")
    np.testing.assert_array_equal(gdl.get_xdata(), runs["GD"].points[:, 0])
    plt.close("all")


def test_curve_and_dimension_errors():
    run = gd.minimize(F.parabola, [0.9], gd.GradientDescent(lr=0.1), 10)
    ax = gd.plot.curve(F.parabola, run)
    pts = next(line for line in ax.get_lines() if line.get_label() == gd.plot.text("points"))
    np.testing.assert_array_equal(pts.get_ydata(), run.values)
    with pytest.raises(ValueError, match="contour needs a 2-D function"):
        gd.plot.contour(F.parabola)
    with pytest.raises(ValueError, match="curve needs a 1-D function"):
        gd.plot.curve(F.sphere)
    plt.close("all")


def test_palette_one_distinct_colour_per_optimizer():
    names = ["GradientDescent", "Momentum", "Nesterov", "AdaGrad", "RMSProp", "Adadelta",
             "Adam", "AdaMax", "Nadam", "AMSGrad", "AdamW"]  # fmt: skip
    assert list(gd.plot.PALETTE) == names
    assert len(set(gd.plot.PALETTE.values())) == len(names)
    for name in names:
        assert gd.plot.color(name) == gd.plot.PALETTE[name]
    assert gd.plot.color("GD") == gd.plot.color("sgd") == gd.plot.color(gd.GradientDescent)
    assert gd.plot.color("gradient descent") == gd.plot.PALETTE["GradientDescent"]
    assert gd.plot.color("RMSprop") == gd.plot.color(gd.RMSProp(lr=0.1)) == "#999933"
    assert gd.plot.color(gd.Nesterov) != gd.plot.color(gd.Momentum)  # a subclass, its own colour
    with pytest.raises(ValueError, match="no palette colour for 'Lion'; the palette has Grad"):
        gd.plot.color("Lion")
    with pytest.raises(ValueError, match="no palette colour for 3"):
        gd.plot.color(3)


def line_styles(ax):
    return {
        line.get_label(): (line.get_color(), line.get_linestyle())
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    }


def test_paths_take_their_optimizers_colour_in_contour_and_convergence():
    runs = {
        "GD": gd.minimize(F.sphere, [0.8, -0.6], gd.GradientDescent(lr=0.1), 30),
        "heavy ball": gd.minimize(F.sphere, [0.8, -0.6], gd.Momentum(lr=0.1), 30),  # its Run
        "Adam (β1 = 0.8)": gd.minimize(F.sphere, [0.8, -0.6], gd.Adam(lr=0.1, beta1=0.8), 30),
        "Adam (β1 = 0.5)": gd.minimize(F.sphere, [0.8, -0.6], gd.Adam(lr=0.1, beta1=0.5), 30),
        "target": np.array([[0.5, 0.5], [0.0, 0.0]]),  # no optimizer: the cycle
    }
    expected = {
        "GD": ("#000000", "-"),
        "heavy ball": ("#0072B2", "-"),
        "Adam (β1 = 0.8)": ("#D55E00", "-"),
        "Adam (β1 = 0.5)": ("#D55E00", "--"),  # the same optimizer again: dashed
        "target": ("#d62728", "-"),
    }
    styles = line_styles(gd.plot.contour(F.sphere, runs))
    assert styles == expected | {gd.plot.text("minimum"): ("black", "None")}
    values = {k: r if isinstance(r, gd.Run) else [1.0, 0.5] for k, r in runs.items()}
    assert line_styles(gd.plot.convergence(values)) == expected
    plt.close("all")


def test_one_optimizer_on_several_paths_takes_the_cycle():
    runs = {f"η = {lr}": gd.minimize(F.sphere, [0.8, -0.6], gd.GradientDescent(lr=lr), 30)
            for lr in (0.1, 0.2, 0.3)}  # fmt: skip
    styles = line_styles(gd.plot.convergence(runs))
    assert list(styles.values()) == [("#d62728", "-"), ("#1f77b4", "-"), ("#ff7f0e", "-")]
    single = line_styles(gd.plot.convergence({"η = 0.1": runs["η = 0.1"]}))
    assert single == {"η = 0.1": ("#000000", "-")}  # one path of one optimizer: its colour
    plt.close("all")


def legend_box_and_lines(ax):
    fig = ax.figure
    fig.canvas.draw()
    box = ax.get_legend().get_window_extent()
    lines = [line.get_transform().transform_path(line.get_path()) for line in ax.get_lines()]
    return box, lines


def test_legend_covers_no_path_inside_or_goes_outside():
    run = gd.minimize(F.sphere, [0.8, -0.6], gd.Adam(lr=0.05), 100)
    box, lines = legend_box_and_lines(gd.plot.contour(F.sphere, {"Adam": run}))
    assert not any(box.count_contains(p.vertices) or p.intersects_bbox(box) for p in lines)
    # ten waves fill the axes: the legend moves out, to the right
    crossing = {f"line {i}": np.sin(np.linspace(0, 30, 300) + i) for i in range(10)}
    ax = gd.plot.convergence(crossing, log=False)
    box, lines = legend_box_and_lines(ax)
    assert box.x0 >= ax.get_window_extent().x1
    assert box.x1 <= ax.figure.bbox.x1  # and the figure makes room for it (autolayout)
    plt.close("all")


def test_figures_lay_themselves_out_so_nothing_is_cut_off():
    gd.plot.set_language("zh")  # gdbook.plot sets the style when it is imported
    fig, ax = plt.subplots(figsize=(3, 2))
    ax.plot([1e-9, 1], [1, 2])
    ax.set_xlabel("a label long enough to need room")
    ax.set_ylabel("学习率 / 步长")  # CJK glyphs are taller
    fig.canvas.draw()
    drawn = fig.get_tightbbox()  # in inches: everything drawn lies inside the 3 x 2 figure
    assert drawn.x0 >= 0 and drawn.y0 >= 0 and drawn.x1 <= 3 and drawn.y1 <= 2
    assert fig.get_layout_engine() is not None  # figure.autolayout, set by gdbook
    plt.close(fig)
    gd.plot.set_language("en")
