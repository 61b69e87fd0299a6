"""Start ``negsim explore`` and Debian's chromium for the browser test."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextlib.contextmanager
def explore_server(*arguments: str, timeout: float = 60):
    """Run ``negsim explore`` in a subprocess; yield its address; stop it with Ctrl-C."""
    process = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "explore", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = process.stdout.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, f"no address printed: {line!r}"
        address = found.group(0)
        _wait_for(address, timeout)
        yield address, process
    finally:
        if process.poll() is None:
            process.send_signal(2)  # SIGINT, as Ctrl-C
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _wait_for(address: str, timeout: float) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(address, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextlib.contextmanager
def chromium_page():
    """A Playwright page in Debian's chromium with an empty profile."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=FLAGS, headless=True
        )
        try:
            context.set_default_timeout(60_000)
            page = context.pages[0] if context.pages else context.new_page()
            page.set_viewport_size({"width": 1600, "height": 1200})
            yield page
        finally:
            context.close()


def screenshots_folder() -> Path:
    """Where the browser test leaves its screenshots (``results/explore-screenshots``)."""
    folder = Path(os.environ.get("NEGSIM_SCREENSHOTS", "results/explore-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
