"""The page in a real browser: Playwright drives Debian's chromium against ``negsim explore``."""

import shutil
import subprocess
import sys

import pytest

from tests.conftest import BASELINE
from tests.explore.browser import CHROMIUM, chromium_page, explore_server, screenshots_folder

pytest.importorskip("solara", reason="the explore extra is not installed (make setup-explore)")
pytest.importorskip("playwright", reason="playwright is not installed (pip install -e '.[test]')")
pytestmark = pytest.mark.skipif(
    shutil.which(CHROMIUM) is None, reason=f"no chromium at {CHROMIUM} (apt-get install chromium)"
)


def test_change_a_slider_and_save_the_variant(tmp_path):
    folder = screenshots_folder()
    with (
        explore_server(str(BASELINE), "--runs", "1000", "--save-dir", str(tmp_path)) as (
            address,
            _,
        ),
        chromium_page() as page,
    ):
        failed = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(address)
        deal = page.locator(".negsim-deal")
        deal.wait_for()
        page.locator(".negsim-charts canvas").first.wait_for()
        before = deal.inner_text()
        page.screenshot(path=str(folder / "before.png"))

        slider = page.locator(".negsim-events-rapport [role=slider]")
        slider.focus()
        slider.press("End")  # rapport from 0 to its maximum, 1
        page.get_by_text("events.rapport = 1").wait_for()
        page.wait_for_function(
            "before => document.querySelector('.negsim-deal').innerText !== before", arg=before
        )
        after = deal.inner_text()
        assert after != before
        page.locator(".negsim-charts canvas").first.wait_for()
        page.screenshot(path=str(folder / "after.png"))

        page.get_by_role("button", name="Save as variant").click()
        page.locator(".negsim-saved").wait_for()
        assert "Saved" in page.locator(".negsim-saved").inner_text()
        assert not [url for url in failed if "127.0.0.1" not in url]

    saved = tmp_path / "korea_us_2025_variant.yaml"
    text = saved.read_text()
    assert "extends:" in text and "rapport: 1" in text
    checked = subprocess.run(
        [sys.executable, "-m", "sim.cli", "validate", str(saved)], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
