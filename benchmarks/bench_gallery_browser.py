"""Filter Gallery timings as a person sees them, in headless Chromium, on a fresh server of REPO.

    .venv/bin/python benchmarks/bench_gallery_browser.py REPO new|old OUT_PREFIX WAIT_S

REPO is a checkout with its own .venv (``old``: a checkout before the thumbnail grid, e.g.
``git worktree add --detach /tmp/old 57a1c53``); WAIT_S seconds pass between opening the page
and choosing the layer; screenshots go to OUT_PREFIX-*.png. Run old and new one after the other,
twice, on the same machine, and compare them with the machine's load (printed by ``uptime``).
 - head: seconds from choosing the head layer to the first head thumbnail on screen
   (new UI: a picture in a head cell, live or finished; old UI: the grid after its job ended)
 - enlarge: seconds from clicking filter 3 of block8 to its large picture; then Extra large."""
import subprocess, sys, time, socket, urllib.request
from pathlib import Path
from playwright.sync_api import sync_playwright
repo, ui, out, wait_s = Path(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
proc = subprocess.Popen([str(repo / ".venv/bin/streamlit"), "run", "app.py", "--server.headless=true", f"--server.port={port}",
                         "--server.fileWatcherType=none", "--browser.gatherUsageStats=false"], cwd=repo,
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
url = f"http://127.0.0.1:{port}"
def idle(page):
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)
try:
    for _ in range(120):
        try:
            if urllib.request.urlopen(url + "/_stcore/health", timeout=2).read() == b"ok": break
        except OSError: time.sleep(0.5)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
        page = b.new_page(viewport={"width": 1280, "height": 1400})
        page.set_default_timeout(300_000)
        page.goto(url + "/filter_gallery")
        page.get_by_role("heading", name="Filter Gallery").wait_for(); idle(page)
        time.sleep(wait_s)
        page.get_by_role("combobox", name="Layer (low → high)").click()
        page.get_by_role("option", name="head", exact=False).click()
        t0 = time.monotonic(); seen_busy = False; shot = False
        while True:
            el = time.monotonic() - t0
            if not shot and el > 5:
                page.screenshot(path=f"{out}-head-5s.png"); shot = True
            if ui == "new":
                if page.locator('img[data-layer="head"]').count(): break
            else:
                state = page.evaluate("""() => document.querySelector('[data-testid="stProgress"]') ? 'busy' :
                   (document.querySelector('[data-testid="stStatusWidget"]') ? 'run' : 'idle')""")
                seen_busy = seen_busy or state == 'busy'
                if seen_busy and state == 'idle': break
            time.sleep(0.1)
        print(f"{ui} head first thumbnail: {el:.1f} s", flush=True)
        page.screenshot(path=f"{out}-head-first.png")
        if ui == "new":
            page.locator('img[data-layer="head"][data-state="done"]').nth(15).wait_for(timeout=300_000)
            print(f"{ui} head all 16 thumbnails finished: {time.monotonic() - t0:.1f} s", flush=True)
        idle(page)
        page.goto(url + "/filter_gallery")  # a new visit: the default layer, block8
        page.get_by_role("heading", name="Filter Gallery").wait_for(); idle(page); time.sleep(2)
        sizes = {"new": (320, 512), "old": (256, 384)}[ui]
        big = ".st-key-gallery-enlarged [data-testid='stImage'] img"
        (page.locator("button[data-channel='3']") if ui == "new" else page.get_by_role("button", name="#3", exact=True)).click()
        t0 = time.monotonic()
        page.wait_for_function(f"() => document.querySelector(\"{big}\")?.naturalWidth === {sizes[0]}")
        print(f"{ui} enlarge Large, first picture in the panel: {time.monotonic() - t0:.1f} s", flush=True)
        page.get_by_text({"new": "Filter 3 of block8, large: 320 px", "old": "Filter 3 of block8, 256 px"}[ui]).wait_for()
        print(f"{ui} enlarge Large ({sizes[0]} px) finished: {time.monotonic() - t0:.1f} s", flush=True)
        idle(page)
        page.locator(".st-key-gallery-enlarged").get_by_role("radio", name="Extra large").click()
        t0 = time.monotonic()
        page.wait_for_function(f"() => document.querySelector(\"{big}\")?.naturalWidth === {sizes[1]}")
        print(f"{ui} enlarge Extra large, first picture in the panel: {time.monotonic() - t0:.1f} s", flush=True)
        page.get_by_text({"new": "Filter 3 of block8, extra large: 512 px", "old": "Filter 3 of block8, 384 px"}[ui]).wait_for()
        print(f"{ui} enlarge Extra large ({sizes[1]} px) finished: {time.monotonic() - t0:.1f} s", flush=True)
        idle(page); time.sleep(1)
        page.locator(".st-key-gallery-enlarged").scroll_into_view_if_needed()
        w = page.evaluate(f"() => document.querySelector(\"{big}\").getBoundingClientRect().width")
        print(f"{ui} Extra large shown {w:.0f} px wide", flush=True)
        page.screenshot(path=f"{out}-xl.png", full_page=True)
        b.close()
finally:
    proc.terminate(); proc.wait(20)
