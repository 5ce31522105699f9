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
