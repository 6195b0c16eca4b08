"""The documentation's screenshot is made by scripts/qgis-screenshot.sh; the test reruns it and looks at it."""
import os
import signal
import subprocess

from qgis.PyQt.QtGui import QColor, QImage

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_screenshot_script_draws_the_province_and_the_panel(stores, tmp_path):
    store = str(stores.sample_copy(tmp_path / "hoabinh.sqlite"))
    output = str(tmp_path / "qgis-plugin.png")
    environment = dict(os.environ, STORE=store)
    # Its own process group, killed whole on a timeout: Xvfb and QGIS must not outlive the script holding its pipes.
    script = subprocess.Popen(["bash", os.path.join(ROOT, "scripts", "qgis-screenshot.sh"), output],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
                              start_new_session=True)
    try:
        said, _ = script.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(script.pid, signal.SIGKILL)
        said, _ = script.communicate()
        raise AssertionError("qgis-screenshot.sh did not finish within 240 s:\n" + said)
    assert script.returncode == 0, said
    assert os.path.getsize(output) < 300 * 1024
    image = QImage(output)
    assert (image.width(), image.height()) == (1400, 900)
    counts = {}
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            name = QColor(image.pixel(x, y)).name()
            counts[name] = counts.get(name, 0) + 1
    # Communes recognised in 2020 (the style's blue) fill much of the map; not-recognised orange shows too.
    assert counts.get("#08519c", 0) > 5000, sorted(counts.items(), key=lambda kv: -kv[1])[:8]
    assert counts.get("#f1a340", 0) > 100
    # The refused edit's findings are listed in the panel in red (right side of the window).
    def reddish(x, y):
        colour = QColor(image.pixel(x, y))
        return colour.red() > 140 and colour.green() < 90 and colour.blue() < 90

    red = sum(1 for y in range(260, 400) for x in range(930, 1030) if reddish(x, y))
    assert red > 0
