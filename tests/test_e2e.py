"""The web app in a real headless Chromium (Debian's, driven by Playwright's Python package).

A server process is started on 127.0.0.1, killed with SIGKILL and restarted on the
same database, as a user's laptop might do. Every page is screenshotted into
docs/screenshots/ (the README shows them) and checked with axe-core for serious or
critical accessibility violations. `make test` installs chromium and axe-core
(scripts/ensure-browser.sh); BARRAISER_SKIP_BROWSER=1 skips this file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "e2e" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "docs" / "screenshots"
FORMATS = ROOT.parent / "shared" / "formats"
HINT = "run `make test` (scripts/ensure-browser.sh installs them) or set BARRAISER_SKIP_BROWSER=1"

if os.environ.get("BARRAISER_SKIP_BROWSER") == "1":
    pytest.skip("BARRAISER_SKIP_BROWSER=1", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`barraiser serve` in its own process, on a fixed port and database."""

    def __init__(self, home: Path):
        self.home = home
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = None

    def start(self) -> None:
        env = {**os.environ, "BARRAISER_HOME": str(self.home)}
        env.pop("BARRAISER_DATABASE_URL", None)
        self.proc = subprocess.Popen([sys.executable, "-m", "barraiser", "serve", "--port", str(self.port)],
                                     env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url + "/api/prompts", timeout=2)
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(self.proc.stderr.read().decode())
                time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def kill(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail(f"the browser tests need {CHROMIUM} and {AXE}: {HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


@pytest.fixture
def server(tmp_path):
    s = Server(tmp_path / "home")
    s.start()
    yield s
    s.stop()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def check_page(pg, name: str, *, full_page: bool = True) -> None:
    """Screenshot the page into docs/screenshots and run axe-core on it."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
    pg.add_script_tag(path=str(AXE))
    result = pg.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{name}: " + "; ".join(bad)


def test_practice_reload_kill_restart_and_debrief(server, page, tmp_path):
    pg = page
    pg.goto(server.url + "/")
    check_page(pg, "home-empty")
    pg.get_by_role("link", name="Choose a prompt").click()
    pg.wait_for_url("**/prompts")
    pg.get_by_label("Search").fill("grocery")
    pg.get_by_role("button", name="Filter", exact=True).click()
    check_page(pg, "prompts")
    button = pg.locator(".start-form button")
    assert button.count() == 1
    button.click()
    pg.wait_for_url("**/sessions/*")
    room_url = pg.url
    assert pg.get_by_role("heading", name="Grocery delivery-time estimator").count() == 1

    box = pg.get_by_label("Your answer")
    box.fill("Who are the customers we're designing for, and how do they use the delivery time?")
    box.press("Control+Enter")
    pg.get_by_text("busy parents and professionals").wait_for()
    assert box.input_value() == ""
    # a draft, typed but not sent
    box.fill("I'll design for ASAP customers who plan dinner around the arrival")
    pg.get_by_text("Draft saved.").wait_for()
    check_page(pg, "interview-room")

    pg.reload()
    assert pg.get_by_label("Your answer").input_value().startswith("I'll design for ASAP customers")
    assert pg.locator(".turn.candidate").count() == 1 and pg.locator(".turn.interviewer").count() == 2

    server.kill()
    server.start()  # same port, same database
    pg.goto(room_url)
    assert pg.get_by_label("Your answer").input_value().startswith("I'll design for ASAP customers")
    assert "Who are the customers we're designing for" in pg.locator(".turn.candidate").first.inner_text()

    pg.get_by_label("Your answer").press("Control+Enter")  # send the restored draft
    pg.wait_for_function("document.querySelectorAll('.turn.candidate').length === 2")
    pg.get_by_role("button", name="End and get the debrief").click()
    pg.wait_for_url("**/debrief")
    pg.get_by_role("heading", name="Dimensions").wait_for()
    assert pg.get_by_role("link", name="JSON", exact=True).count() == 1
    check_page(pg, "debrief")

    # the quote links point at the transcript
    link = pg.locator("a[href^='#turn-']").first
    if link.count():
        target = link.get_attribute("href")
        assert pg.locator(target).count() == 1

    pg.goto(server.url + "/history")
    check_page(pg, "history")
    pg.goto(server.url + "/progress")
    pg.locator("svg").first.wait_for()
    check_page(pg, "progress")
    pg.goto(server.url + "/")
    check_page(pg, "home")


def test_upload_a_teams_transcript_and_choose_the_candidate(server, page):
    pg = page
    pg.goto(server.url + "/grade")
    check_page(pg, "grade")
    pg.get_by_label("Transcript file").set_input_files(str(FORMATS / "teams.vtt"))
    pg.get_by_role("button", name="Read the transcript").click()
    pg.get_by_role("heading", name="Whose words should be graded?").wait_for()
    check_page(pg, "grade-choose-candidate")
    radios = pg.get_by_role("radio")
    assert radios.count() >= 2
    radios.nth(radios.count() - 1).check()
    chosen = pg.locator("input[type=radio]:checked").get_attribute("value")
    pg.get_by_role("button", name="Grade this candidate").click()
    pg.wait_for_url("**/debrief")
    assert chosen in pg.locator("main").inner_text()


def test_script_in_a_transcript_stays_inert(server, page):
    pg = page
    pg.goto(server.url + "/grade")
    pg.get_by_label("Or paste the text").fill(
        "[00:00] Interviewer: Go ahead.\n"
        "[00:04] Candidate: <script>window.__pwned = 1</script> I'll design for sellers "
        "<img src=x onerror=\"window.__pwned = 2\">.\n")
    pg.get_by_role("button", name="Read the transcript").click()
    pg.get_by_role("button", name="Grade this candidate").click()
    pg.wait_for_url("**/debrief")
    assert pg.evaluate("window.__pwned === undefined")
    assert "<script>window.__pwned = 1</script>" in pg.locator("main").inner_text()


def test_settings_page_and_phone_width(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    pg = context.new_page()
    pg.goto(server.url + "/settings")
    pg.get_by_label("Default length").select_option("30")
    pg.get_by_role("button", name="Save settings").click()
    pg.get_by_text("Saved.").wait_for()
    check_page(pg, "settings-phone")
    pg.goto(server.url + "/prompts")
    pg.locator(".start-form button").first.click()
    pg.wait_for_url("**/sessions/*")
    assert "30:00" in pg.locator("#left").inner_text() or "29:5" in pg.locator("#left").inner_text()
    check_page(pg, "interview-room-phone")
    # no sideways scrolling at phone width
    assert pg.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    context.close()


def test_keyboard_alone_reaches_the_answer_box(server, page):
    pg = page
    pg.goto(server.url + "/prompts")
    pg.keyboard.press("Tab")
    assert pg.evaluate("document.activeElement.textContent") == "Skip to content"
    # start an interview with the keyboard: focus the first start button and press Enter
    pg.locator(".start-form button").first.focus()
    pg.keyboard.press("Enter")
    pg.wait_for_url("**/sessions/*")
    pg.get_by_label("Your answer").focus()
    pg.keyboard.type("Who are the users?")
    pg.keyboard.press("Control+Enter")
    pg.wait_for_function("document.querySelectorAll('.turn.candidate').length === 1")
    outline = pg.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
