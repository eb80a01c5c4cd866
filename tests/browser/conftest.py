"""A real browser for the tests of what people see: Debian's Chromium, driven by Playwright
(whose own browser download is never used). Without a Chromium the tests are skipped, saying
how to have one."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@contextmanager
def chromium() -> Iterator[Any]:
    """The browser, for the body of a test that has written its data already.

    Playwright runs its event loop in the test's thread, where Django then hands out another
    database connection than the test's (connections are per context): the test touches the
    database before and after, never inside.
    """
    if not Path(CHROMIUM).exists():
        pytest.skip(
            "No Chromium here: install Debian's (`apt-get install chromium`) or point CHROMIUM "
            "at one to run the browser checks."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()
