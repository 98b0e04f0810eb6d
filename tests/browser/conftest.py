"""Headless Debian Chromium through pytest-playwright, and an axe-core scan of every page a journey visits."""

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from pypdf import PdfWriter

CHROMIUM = "/usr/bin/chromium"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Screenshots the journeys leave for a person to look at (the developers' guide: judge pages as a clerk).
SHOTS = Path("/tmp/anbili-shots")


def shot(page: Page, name: str) -> None:
    """Save a full-page screenshot as SHOTS/<name>.png."""
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def blank_pdf(tmp_path: Path, name: str) -> Path:
    """A one-page PDF file to upload (合同附件, 劳务派遣协议, scans)."""
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    path = tmp_path / name
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    return {**browser_context_args, "locale": "zh-CN", "viewport": {"width": 1280, "height": 900}}


class Journey:
    """Drives one page; `scan()` runs axe on what is shown, and every visited URL must have been scanned."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.visited: set[str] = set()
        self.scanned: set[str] = set()
        self._axe = Axe()
        page.on("framenavigated", lambda frame: frame == page.main_frame and self.visited.add(self._path()))

    def _path(self) -> str:
        return self.page.url.removeprefix(self.base_url).split("?")[0]

    def goto(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.scan()

    def navigate(self, action: Callable[[], object]) -> None:
        """Run `action` (a click that submits or follows a link), wait for the new page and scan it."""
        with self.page.expect_navigation():
            action()
        self.page.wait_for_load_state()
        self.scan()

    def scan(self) -> None:
        """Fail on any WCAG 2.0/2.1 A or AA violation on the page as it is now."""
        results = self._axe.run(self.page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert results.violations_count == 0, f"{self._path()}\n{results.generate_report()}"
        self.scanned.add(self._path())


@pytest.fixture
def journey(page: Page, live_server) -> Iterator[Journey]:
    j = Journey(page, live_server.url)
    yield j
    unscanned = j.visited - j.scanned
    assert not unscanned, f"pages visited without an axe scan: {sorted(unscanned)}"


@pytest.fixture
def demo(transactional_db):
    """The demo data of `make run`, in a database the live server can see."""
    from anbili.demo.seed import demo_seed
    from anbili.regions.services import regions_seed

    regions_seed()
    return demo_seed()
