"""Soak: every press starts exactly one job, at machine pace, on the default back end (worker processes).

* Impatient presses: Dream pressed right after a slider change, a file drop (itself right after a
  slider change), a region's quick start or a page switch, one after the other, each waiting only
  for its job to end.
* Fresh visitors: several browsers open Deep Dream on a fresh server, drop a photo and press Dream
  at the same moment; each must get a picture, seeing its place in the queue meanwhile.

The server logs each job it starts, with its session (``DREAMLAB_LOG_LEVEL=INFO``): the figures come
from there, not from what the page seems to show. The short form runs with the other browser tests;
``./test.sh --soak`` (pytest's ``--soak``) runs the long one: 50 presses and 8 visitors.
"""
from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import ROOT, gradient_picture, start_app_server, stop_app_server, wait_for_app

pytestmark = pytest.mark.browser
STARTED = re.compile(r"job (\d+) \((\w[\w:-]*)\) started for session (\S+)")
ENDED = re.compile(r"job (\d+) \((\w[\w:-]*)\) ended: (\w+)")
ACTIONS = ("file", "slider", "quick start", "page switch")
QUICK_STARTS = ("Bright areas", "Dark areas", "Subject (centre)")
JOB_WORDS = re.compile(r"in the queue|Working|Starting|Almost done|Waiting for your photo|Your dream")


def long_form(request) -> bool:
    return bool(request.config.getoption("--soak"))


class Server:
    """A fresh app server of the soak's own whose log says which session started which job."""

    def __init__(self, tmp_path: Path):
        self.log = tmp_path / "server.log"
        self.proc, self.url = start_app_server(env={"DREAMLAB_LOG_LEVEL": "INFO"}, log=self.log)

    def jobs(self) -> list[tuple[str, str]]:
        """(session, kind) of every job started so far, in order."""
        return [(m.group(3), m.group(2)) for m in STARTED.finditer(self.log.read_text(errors="replace"))]

    def ended(self) -> list[str]:
        """How every job that has ended so far ended (done, cancelled, failed), in order."""
        return [m.group(3) for m in ENDED.finditer(self.log.read_text(errors="replace"))]

    def wait_for_jobs(self, count: int, timeout_s: float, ended: bool = False) -> bool:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.ended() if ended else self.jobs()) >= count:
                return True
            time.sleep(0.1)
        return False

    def stop(self) -> None:
        stop_app_server(self.proc)


@pytest.fixture
def server(tmp_path):
    server = Server(tmp_path)
    yield server
    server.stop()


def photos(tmp_path, count: int = 2) -> list[Path]:
    paths = []
    for seed in range(count):
        paths.append(tmp_path / f"photo-{seed}.jpg")
        gradient_picture(320, 240, seed=seed).save(paths[-1], quality=90)
    return paths


def quickest_dream(page) -> None:
    """Small pictures, one octave, one step: each dream takes about a second."""
    page.get_by_role("slider", name="Picture size").press("Home")
    wait_for_app(page)
    opened(page, "Advanced settings", page.get_by_role("slider", name="Octaves"))
    for name in ("Octaves", "Steps per octave"):
        page.get_by_role("slider", name=name).press("Home")
        wait_for_app(page)


def dream_button(page):
    return page.get_by_role("button", name="Dream", exact=True)


def job_ended(page, server: "Server", jobs: int) -> None:
    """The server has ended ``jobs`` jobs, the page shows no job panel (its Stop button) any more,
    and Streamlit is idle."""
    assert server.wait_for_jobs(jobs, timeout_s=120, ended=True), "a job never ended"
    expect(page.get_by_role("button", name="Stop")).to_have_count(0, timeout=120_000)
    wait_for_app(page)


def settings_were_reset(page) -> bool:
    """Whether the page forgot its kept settings (seen after a page switch at machine pace: the
    size, the octaves and the photo source back to their defaults; a settings matter, not a press)."""
    size = page.get_by_role("slider", name="Picture size").get_attribute("aria-valuetext") or ""
    return "Small" not in size or page.get_by_role("radio", name="Upload").get_attribute("aria-checked") != "true"


def opened(page, expander: str, inside) -> None:
    """Open ``expander`` unless ``inside`` is shown (a page switch closes the page's expanders)."""
    if not inside.count():
        page.get_by_text(expander, exact=True).click()
        inside.wait_for()


def impatient(page, action: str, photo: Path, step: int) -> None:
    """Do ``action``, then press Dream at once (no wait for the page to settle)."""
    if action == "slider":
        opened(page, "Advanced settings", page.get_by_role("slider", name="Jitter (px)"))
        page.get_by_role("slider", name="Jitter (px)").press("ArrowRight" if step % 2 else "ArrowLeft")
    elif action == "file":  # (as measured in issue 23: a slider moved, a file dropped, Dream)
        jitter = page.get_by_role("slider", name="Jitter (px)")
        opened(page, "Advanced settings", jitter)
        jitter.press("ArrowRight" if step % 2 else "ArrowLeft")
        page.locator("[data-testid='stFileUploader']").first.locator("input[type='file']").set_input_files(str(photo))
    elif action == "quick start":
        quick_start = page.get_by_role("button", name=QUICK_STARTS[step % len(QUICK_STARTS)], exact=True)
        opened(page, "Paint a region (optional)", quick_start)
        quick_start.click()
    elif action == "page switch":
        nav = page.locator("[data-testid='stSidebarNav']")
        nav.get_by_text("Home", exact=True).click()
        nav.get_by_text("Deep Dream", exact=True).click()
    dream_button(page).click()


def test_every_impatient_press_starts_exactly_one_job(browser, server, tmp_path, request, capsys):
    presses = 50 if long_form(request) else 10
    files = photos(tmp_path)
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(60_000)
    lost, took, resets = [], [], 0
    try:
        page.goto(f"{server.url}/deep_dream")
        wait_for_app(page)
        quickest_dream(page)
        page.get_by_role("radio", name="Upload").click()
        wait_for_app(page)
        page.get_by_text("Paint a region (optional)").click()
        wait_for_app(page)
        for step in range(presses):
            action = ACTIONS[step % len(ACTIONS)]
            impatient(page, action, files[step % len(files)], step)
            started = time.monotonic()  # the press has been made
            if not server.wait_for_jobs(step + 1 - len(lost), timeout_s=60):
                lost.append((step, action))
                page.screenshot(path=str(shot_path(f"soak-lost-{step}-{action.replace(' ', '-')}")), full_page=True)
            took.append(time.monotonic() - started)
            job_ended(page, server, step + 1 - len(lost))
            if action == "page switch" and settings_were_reset(page):
                resets += 1  # (not a lost press: the job started; the settings are put back for the next)
                quickest_dream(page)
                page.get_by_role("radio", name="Upload").click()
                wait_for_app(page)
    except Exception:
        page.screenshot(path=str(shot_path("soak-impatient")), full_page=True)
        raise
    finally:
        context.close()
    jobs = server.jobs()
    sessions = Counter(session for session, _ in jobs)
    report(capsys, f"soak, impatient presses: {presses} presses, {len(jobs)} jobs started, {len(lost)} lost {lost}, "
          f"{len(sessions)} session(s); press to job started: median {sorted(took)[len(took) // 2]:.1f} s, "
          f"longest {max(took):.1f} s; settings back to their defaults after a page switch: {resets}")
    assert not lost, f"presses that started no job: {lost}"
    assert len(jobs) == presses, f"{len(jobs)} jobs for {presses} presses: {jobs}"
    assert server.ended() == ["done"] * presses


@dataclass
class Visitor:
    page: object
    pressed: float = 0.0
    picture_after: float | None = None
    silent_s: float = 0.0  # the longest time it showed no word about its job
    saw_place: bool = False
    silence: str = ""  # where its longest silence was


def test_fresh_visitors_pressing_at_once_all_get_a_picture(browser, server, tmp_path, request, capsys):
    count = 8 if long_form(request) else 3
    photo = photos(tmp_path, 1)[0]
    contexts = [browser.new_context(viewport={"width": 1280, "height": 1400}) for _ in range(count)]
    visitors = [Visitor(c.new_page()) for c in contexts]
    try:
        for v in visitors:
            v.page.set_default_timeout(180_000)
            v.page.goto(f"{server.url}/deep_dream", wait_until="commit")
        for v in visitors:
            wait_for_app(v.page)
            v.page.get_by_role("slider", name="Picture size").press("Home")
        for v in visitors:
            v.page.get_by_role("radio", name="Upload").click()
        for v in visitors:  # each drops its photo once, as soon as the box is there
            v.page.locator("[data-testid='stFileUploader']").first.locator("input[type='file']").set_input_files(str(photo))
        for v in visitors:
            v.page.locator("[data-testid='stFileChip']").first.wait_for(timeout=60_000)
        for v in visitors:  # all press together (each page watches what it says from then on)
            v.page.evaluate(WATCH_WORDS_JS, JOB_WORDS.pattern)
            dream_button(v.page).click()
            v.pressed = time.monotonic()
        watch_until_pictures(visitors, timeout_s=120 + 30 * count)
    except Exception:
        for i, v in enumerate(visitors):
            v.page.screenshot(path=str(shot_path(f"soak-visitor-{i}")), full_page=True)
        raise
    finally:
        for c in contexts:
            c.close()
    jobs = server.jobs()
    per_session = Counter(session for session, _ in jobs)
    pictures = [v for v in visitors if v.picture_after is not None]
    times = sorted(round(v.picture_after, 1) for v in pictures)
    report(capsys, f"soak, {count} visitors pressing at once: {len(pictures)} of {count} got a picture "
          f"(after {times} s), {len(jobs)} jobs in {len(per_session)} sessions, 0 upload retries; "
          f"saw their place in the queue: {sum(v.saw_place for v in visitors)}; "
          f"longest wait without a word: {max(v.silent_s for v in visitors):.1f} s "
          f"({max(visitors, key=lambda v: v.silent_s).silence})")
    assert len(pictures) == count
    assert sorted(per_session.values()) == [1] * count, per_session  # one press, one job, each
    assert sum(v.saw_place for v in visitors) >= count - 1  # all but the first waited, and were told
    assert max(v.silent_s for v in visitors) < 5.0


# Runs in each visitor's page from its press on: every 200 ms, does the page say something about the
# job (the words above, or the pressed button's "Starting…", which CSS draws)? The longest time it
# did not, until its dream shows. (In the page, so it does not depend on how fast the test looks.)
WATCH_WORDS_JS = """(pattern) => {
  const words = new RegExp(pattern);
  const start = performance.now();
  const watch = window.__dreamlabWatch = {longest: 0, since: start, done: false, place: false, at: 0, after: ''};
  const timer = setInterval(() => {
    const text = (document.querySelector('[data-testid="stMain"]') || document.body).innerText;
    const pressed = [...document.querySelectorAll('[class*="st-key-run-"]')].some(
      (el) => getComputedStyle(el, '::after').content.includes('Starting'));
    const now = performance.now();
    if (words.test(text) || pressed) {
      if (now - watch.since > watch.longest) {  // where the longest silence was, for the figures
        watch.longest = now - watch.since;
        watch.at = (watch.since - start) / 1000;
        watch.after = pressed ? 'Starting…' : (text.match(words) || [''])[0];
      }
      watch.since = now;
    }
    watch.place = watch.place || text.includes('in the queue');
    if (text.includes('Your dream')) { watch.done = true; clearInterval(timer); }
  }, 200);
}"""


def watch_until_pictures(visitors: list[Visitor], timeout_s: float) -> None:
    """Wait until every visitor's page shows its dream; what each said meanwhile, from the page."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and any(v.picture_after is None for v in visitors):
        for v in visitors:
            if v.picture_after is None and v.page.evaluate("() => window.__dreamlabWatch.done"):
                v.picture_after = time.monotonic() - v.pressed
        time.sleep(0.2)
    for v in visitors:
        watch = v.page.evaluate("() => window.__dreamlabWatch")
        v.silent_s, v.saw_place = watch["longest"] / 1000, watch["place"]
        v.silence = f"{v.silent_s:.1f} s from {watch['at']:.1f} s after the press, until '{watch['after']}'"


def test_pressing_the_chosen_segment_keeps_it(page, app_url):
    page.goto(f"{app_url}/deep_dream")
    wait_for_app(page)
    sample = page.get_by_role("radio", name="Sample")
    expect(sample).to_have_attribute("aria-checked", "true")
    sample.click()
    page.wait_for_timeout(500)  # (a rerun, if the click made one, has started)
    wait_for_app(page)
    expect(sample).to_have_attribute("aria-checked", "true")
    expect(page.get_by_text("Sample picture")).to_be_visible()


def shot_path(name: str) -> Path:
    folder = ROOT / "test-results"
    folder.mkdir(exist_ok=True)
    return folder / f"{name}.png"


def report(capsys, figures: str) -> None:
    """The soak's figures, printed even when pytest captures the output."""
    with capsys.disabled():
        print(f"\n{figures}")
