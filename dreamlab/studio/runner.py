"""Show a queued job in the page: its place in the queue, then progress, a live preview and Stop.

A page describes its job as a ``dreamlab.jobs.spec.JobSpec``; the job service (``dreamlab.jobs.service.job_queue()``:
worker processes, or a Ray cluster) runs it, so the page can rerun freely while it works; the
page only polls. Pressing the run button twice returns the job already running.

When a job ends, its result's recipe gets the page and the page's kept settings (taken when the
job started), and the picture goes into this session's history (``dreamlab.studio.history``).
"""
from __future__ import annotations

import logging
import time
from typing import Any, Callable, Optional, Sequence, Union

import streamlit as st
from PIL import Image
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dreamlab.jobs.queue import CANCELLED, DONE, FAILED, RUNNING, Job, JobFn
from dreamlab.jobs.service import job_queue
from dreamlab.jobs.spec import JobSpec
from engine.progress import Progress

from dreamlab.studio import history
from dreamlab.studio import page_state, persist
from dreamlab.studio.recipes import MADE, made_stamp
from dreamlab.studio.components import frontend

log = logging.getLogger(__name__)
POLL_S = 0.25
# Until its first picture is on screen a job is looked at this often: the first preview comes within
# a second of the press, and a quarter-second poll added up to 0.25 s to it. Only what changed is
# sent to the browser, so a fast poll costs no traffic.
FIRST_PICTURE_POLL_S = 0.05


def poll_every(shown_preview: Optional[Image.Image]) -> float:
    """Seconds between two looks at a running job: short until its first picture is shown."""
    return FIRST_PICTURE_POLL_S if shown_preview is None else POLL_S


class _Unchanged:
    """Says whether a value differs from the one sent last (a job panel sends only what changed)."""

    def __init__(self) -> None:
        self.last: Any = object()

    def changed(self, value: Any) -> bool:
        if value == self.last:
            return False
        self.last = value
        return True
_scroll_here = st.components.v2.component("dreamlab_scroll_here", **frontend("scroll_here"))


def page_of(kind: str) -> Optional[str]:
    """The history's page for a job kind: 'palette-variations' -> 'palette'."""
    page = kind.split("-")[0].split(":")[0]
    page = history.KIND_PAGES.get(page, page)
    return page if page in history.PAGES else None


def session_owner() -> str:
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "local"


def session_connected(session_id: str) -> bool:
    """Whether this session's browser tab is still connected (True where Streamlit cannot tell:
    AppTest, the command line)."""
    from streamlit.runtime import Runtime
    if not Runtime.exists():
        return True
    return Runtime.instance().is_active_session(session_id)


def start_job(kind: str, fn: Union[JobSpec, JobFn], estimate_s: float = 10.0) -> Job:
    """Queue the job (a second press while it is active gets the same job back, and keeps what it
    was started with)."""
    owner = session_owner()
    queue = job_queue()
    queue.owner_connected = session_connected  # a closed tab frees its place in the queue
    job = queue.submit(owner, kind, fn, estimate_s)
    if st.session_state.get(f"job:{kind}") == job.id:
        log.info("job %s (%s) was already running for session %s", job.id, kind, owner)
        st.session_state.pop(f"job:{kind}:about", None)
        return job
    log.info("job %s (%s) started for session %s", job.id, kind, owner)
    st.session_state[f"job:{kind}"] = job.id
    st.session_state[f"job:{kind}:made-with"] = _made_with(kind)
    st.session_state["_scroll_to_job"] = kind
    return job


def describe_job(kind: str, before: Optional[Image.Image] = None, recipe: Optional[dict] = None) -> None:
    """Called by a page while it builds its job: the photo and recipe to keep if the job is stopped
    (a stopped job returns only its picture), plus words for people: ``label`` (the preset) and
    ``size_label``, used in the download's name and under the result."""
    st.session_state[f"job:{kind}:about"] = {"before": before, "recipe": dict(recipe or {})}


def _made_with(kind: str) -> dict:
    """What a result needs that only the page knows when it starts: its settings (to restore them
    later), and what ``describe_job`` said."""
    about = st.session_state.pop(f"job:{kind}:about", {})
    page = page_of(kind)
    settings = page_settings(page) if page else {}
    recipe = {**about.get("recipe", {}), **({"page": page, "settings": settings} if page else {})}
    return {"recipe": recipe, "before": about.get("before")}


def page_settings(page: str) -> dict:
    """What a result keeps to restore its page: the page's state objects' models ({"dream": {...}})
    and its kept widgets (the photo picker's, and every widget of a page without a model yet)."""
    return {**persist.snapshot(history.PAGES[page].prefix), **page_state.page_snapshot(page)}


def current_job(kind: str) -> Optional[Job]:
    return job_queue().get(st.session_state.get(f"job:{kind}"))


def scroll_here(key: str, block: str = "start") -> None:
    """Bring the block this is drawn in into view (again for a second while the page settles)."""
    _scroll_here(key=key, data={"block": block})


def follow_job(kind: str, preview_caption: str = "Live preview",
               on_preview: Optional[Callable[[Image.Image], None]] = None, sticky: bool = False) -> Optional[Job]:
    """While this session's ``kind`` job is active, show it; return it once it has ended.
    ``on_preview(picture)`` shows the live preview somewhere else than under the bar; ``sticky``:
    the panel stays in view at the bottom of the window.

    Returns None when there is no job, or the finished job exactly once (then forgets it).
    """
    job = current_job(kind)
    if job is None:
        return None
    ended, panel = st.empty(), st.empty()
    if job.active:
        _watch(job, panel, preview_caption, on_preview, sticky)
    st.session_state.pop(f"job:{kind}", None)
    if sticky:
        # A marker of the ended job, which brings the result into view, shows before the panel goes.
        # It tells the pressed button's "Starting…" (run_button/style.css) that this run starts
        # nothing: without it the word came back under the still-focused button while the result
        # was drawn, and went at the end of the run, moving the Download button from under a click.
        with ended.container(key=f"dl-ended-{kind}-{job.id}"):
            _scroll_here(key=f"scroll-result-{kind}-{job.id}", data={"if_hidden": True})
    panel.empty()  # an element, not a container: a container's old children would stay until the run ends
    return job


# The job panel sticks to the bottom of the window while its place in the page is below it, so
# progress and live preview stay in view however long the settings above are (a scroll alone
# was not enough: it ran before the picture had its height, or a rerun moved the page).
PANEL_CSS = frontend("job_panel")["css"]  # its rules name the panel's key: dl-job-<kind>


def _panel_css() -> str:
    background = st.get_option("theme.backgroundColor") or "white"
    return f"<style>:root {{ --dl-panel-background: {background}; }}\n{PANEL_CSS}</style>"


def _watch(job: Job, panel, preview_caption: str, on_preview: Optional[Callable[[Image.Image], None]] = None,
           sticky: bool = False) -> None:
    """Show ``job`` in ``panel`` (an ``st.empty``) until it ends."""
    queue = job_queue()
    if sticky:
        st.html(_panel_css())
    with panel.container(border=True, key=f"dl-job-{job.kind}" if sticky else None):
        # Until its first picture was shown (even across reruns), a job just started brings itself into view.
        just_started = st.session_state.get("_scroll_to_job") == job.kind
        if just_started:
            _scroll_here(key=f"scroll-{job.kind}-{job.id}")  # bring the panel into view
        top = st.columns([3, 1], vertical_alignment="center")
        status = top[0].empty()
        if top[1].button("Stop", key=f"stop-{job.kind}", icon=":material/stop_circle:", width="stretch"):
            queue.cancel(job)
        bar = st.progress(0.0)
        preview = st.empty()
        scroll_to_preview = st.empty()
        shown_preview = None
        shown_status, shown_fraction = _Unchanged(), _Unchanged()
        while job.active:
            job.touch()
            if job.cancel.is_set():
                if shown_status.changed("stopping"):
                    status.info("Stopping after the current step…")
            elif job.state == RUNNING:
                p = job.progress
                if shown_status.changed(working_text(p)):
                    status.write(shown_status.last)
                if shown_fraction.changed(p.fraction if p else 0.0):
                    bar.progress(shown_fraction.last)
            else:
                place = queue.position(job)
                wait = queue.wait_estimate_s(job)
                words = (f"Waiting for the machine: you are number {place} in the queue "
                         f"(about {max(1, round(wait))} s). Other people are painting right now.")
                if shown_status.changed(words):
                    status.info(words)
            if on_preview is not None and job.preview is not None and job.preview is not shown_preview:
                on_preview(job.preview)
                shown_preview = job.preview
                st.session_state.pop("_scroll_to_job", None)
            elif job.preview is not None and job.preview is not shown_preview:
                preview.image(job.preview, caption=preview_caption, width=_preview_width(job.preview))
                if just_started and shown_preview is None and not sticky:  # the first picture: all of it in view
                    with scroll_to_preview:
                        _scroll_here(key=f"scroll-preview-{job.kind}-{job.id}", data={"block": "end"})
                if shown_preview is None:
                    st.session_state.pop("_scroll_to_job", None)
                shown_preview = job.preview
            job.ended.wait(poll_every(shown_preview))  # a look every so often, and at once when it ends


def working_text(p: Optional[Progress]) -> str:
    """What a running job is doing, in words. After the last step a job may still encode a video
    or a GIF, or name what the picture shows: seconds in which the bar stands full."""
    if p is None:
        return "**Starting…**"
    if p.fraction >= 1.0:
        return "**Almost done:** putting the result together (a video or a GIF takes a few seconds)…"
    left = getattr(p, "seconds_left", None)
    if left is not None and left > 3:  # a job with an estimate: it counts down as the steps come in
        from engine.timing import describe_seconds
        return f"**Working:** {p.describe()} \u00b7 {describe_seconds(left)} left"
    return f"**Working:** {p.describe()}"


def _preview_width(picture) -> int:
    """Wide enough to watch, short enough that status, bar and picture fit a 1000 px tall window."""
    max_height = 560
    width, height = picture.size
    return max(64, min(640, round(width * max_height / max(height, 1))))


def report_outcome(job: Job) -> Any:
    """Tell the user how a finished job ended; return the picture to keep (or None)."""
    if job.state == DONE:
        return job.result
    if job.state == CANCELLED:
        st.warning(stopped_words(job.kind, job.result))
        return job.result
    if job.state == FAILED:
        st.error(job.error or "Something went wrong.")
    return None


VIDEO_KINDS = ("zoom", "video")  # Motion's jobs: what they make is a video, frame by frame


def stopped_words(kind: str, result: Any) -> str:
    """What a stopped job left, in words: a video of the frames made so far, the frame being dreamed,
    a picture as far as it got, or nothing."""
    if result is None:
        return "Stopped before anything was painted."
    if isinstance(result, dict) and result.get("mp4") is not None:
        return "Stopped."  # the video's own line below says how many frames it has
    if kind.split(":")[0] in VIDEO_KINDS:
        return "Stopped before the first frame was finished. Here is that frame as far as it got."
    return "Stopped. Here is the picture as far as it got."


# A press is an event: ``run_button``'s on_click records it in session state before the rerun the
# press triggers, so it survives that run being cut short by another rerun (a slider, an upload
# arriving, a page switch), and the next run that reaches the button starts its job, built with
# that run's values (a callback's builder would be the last run's, a moment too old for a setting
# changed together with the press). A press that cannot start its job yet (the photo just chosen is
# still on its way: the browser can send the press before the upload's own rerun) stays pending for
# PRESS_KEPT_S, says so, and starts as soon as the photo is there. A press the page never came back
# to is forgotten after PRESS_FORGOTTEN_S.
PRESS_KEPT_S = 8.0
PRESS_FORGOTTEN_S = 60.0
PHOTO_ON_ITS_WAY = "Waiting for your photo…"
PRESSED_CSS = "<style>" + frontend("run_button")["css"] + "</style>"  # "Starting…" under a pressed button


def _pending_key(kind: str) -> str:
    return f"run-{kind}:pending"


def run_button(label: str, kind: str, make_fn: Callable[[], Union[JobSpec, JobFn, None]],
               estimate_s: float = 10.0, type: str = "primary", **button_args) -> None:
    """A button (primary unless ``type`` says otherwise) that starts the job ``make_fn()`` returns:
    a JobSpec (None: nothing to start, after a message to the user, shown under the button)."""
    # Not disabled while busy: a second press just finds the job already running (see JobQueue.submit).
    st.html(PRESSED_CSS)
    st.button(label, type=type, key=f"run-{kind}", on_click=_on_press, args=(kind,), **button_args)
    pressed_at = st.session_state.get(_pending_key(kind))
    if pressed_at is not None:
        _start_pending(kind, make_fn, estimate_s, pressed_at)


def _on_press(kind: str) -> None:
    """The button's on_click: the press is recorded before anything else of the run it triggers."""
    st.session_state[_pending_key(kind)] = time.monotonic()
    log.info("press on %s in session %s", kind, session_owner())


def _start_pending(kind: str, make_fn: Callable, estimate_s: float, pressed_at: float) -> None:
    """A press not started yet: start it now if the page can, wait for a photo on its way, or say
    (once) why nothing starts."""
    from dreamlab.studio.inputs import photo_was_missing
    if time.monotonic() - pressed_at > PRESS_FORGOTTEN_S:  # pressed, then the page was left: too old now
        st.session_state.pop(_pending_key(kind), None)
        return
    photo_was_missing()  # forget what an earlier call found
    with _silenced():
        fn = make_fn()
    log.info("press on %s in session %s: %s", kind, session_owner(), "a job" if fn else "no job yet")
    if fn is None and photo_was_missing() and time.monotonic() - pressed_at < PRESS_KEPT_S:
        _waiting_for_photo(kind, pressed_at)
        return
    st.session_state.pop(_pending_key(kind), None)
    if fn is None:
        fn = make_fn()  # again, drawn this time: its words say why nothing started
    if fn is not None:
        start_job(kind, fn, estimate_s)


@st.fragment(run_every=1.0)
def _waiting_for_photo(kind: str, pressed_at: float) -> None:
    """Says what a pending press waits for; once PRESS_KEPT_S have passed, a full run says why it
    could not start. (The photo's arrival reruns the whole page by itself.)"""
    if st.session_state.get(_pending_key(kind)) != pressed_at:
        return
    if time.monotonic() - pressed_at >= PRESS_KEPT_S:
        st.rerun(scope="app")
    st.info(PHOTO_ON_ITS_WAY, icon=":material/hourglass_top:")


class _silenced:
    """Drops what Streamlit calls write inside it (a DeltaGenerator without a root container sends
    nothing). Streamlit's own ``with`` stack is a context variable, so other sessions are untouched."""

    def __enter__(self):
        from streamlit.delta_generator import DeltaGenerator
        self._nowhere = DeltaGenerator(root_container=None)
        self._nowhere.__enter__()
        return self

    def __exit__(self, *exc) -> bool:
        self._nowhere.__exit__(*exc)
        return False


def keep_result(kind: str, result_key: str, preview_caption: str = "Live preview",
                stopped_caption: str = "Where the picture had got to", replaces: Sequence[str] = ()) -> Any:
    """Follow this session's ``kind`` job; when it ends, keep its result (anything but a picture) in
    session state under ``result_key`` and drop the results it ``replaces``, or show the last
    picture of a stopped job. Returns the kept result."""
    finished = follow_job(kind, preview_caption, sticky=True)
    if finished is not None:
        made_with = st.session_state.pop(f"job:{kind}:made-with", {})
        outcome = report_outcome(finished)
        if isinstance(outcome, Image.Image):
            st.session_state[f"{result_key}:stopped"] = _stopped_result(kind, outcome, made_with)
        elif outcome is not None:
            outcome = finished.result = _with_settings(kind, outcome, made_with)
            st.session_state[result_key] = outcome
            st.session_state.pop(f"{result_key}:stopped", None)
            for other in replaces:
                st.session_state.pop(other, None)
    stopped = st.session_state.get(f"{result_key}:stopped")
    if stopped is not None:
        show_stopped(stopped, stopped_caption, key=f"{kind}:stopped")
    return st.session_state.get(result_key)


def _with_settings(kind: str, result: Any, made_with: dict) -> Any:
    """The result (a dict, or a list of them) with its page and settings in the recipe (for the PNG,
    the history and links), added to this session's history."""
    if isinstance(result, list):
        return [_with_settings(kind, item, made_with) for item in result]
    if not isinstance(result, dict) or "recipe" not in result:
        return result
    recipe = {**made_with.get("recipe", {}), **result.get("recipe", {}), MADE: made_stamp()}
    for name in ("page", "settings"):
        if name in made_with.get("recipe", {}):
            recipe[name] = made_with["recipe"][name]
    result = {**result, "recipe": recipe}
    page = page_of(kind)
    if page and result.get("after") is not None:
        history.add(page, result["after"], result.get("before"), recipe)
    elif page and result.get("mp4") is not None and result.get("last") is not None:  # a Motion video
        history.add(page, result["last"], made_with.get("before"), recipe, stopped=bool(result.get("stopped")),
                    video=result["mp4"])  # (before: the zoom's photo, so Restore brings it back too)
    return result


def _stopped_result(kind: str, picture, made_with: dict) -> dict:
    recipe = {**made_with.get("recipe", {}), "stopped": True, MADE: made_stamp()}
    page = page_of(kind)
    if page:
        history.add(page, picture, made_with.get("before"), recipe, stopped=True)
    return {"before": made_with.get("before"), "after": picture, "recipe": recipe}


def show_stopped(stopped: dict, caption: str, key: str) -> None:
    """The picture as far as a stopped job got, with its own download."""
    from dreamlab.studio.results import show_result
    with st.container(border=True):
        st.caption(caption)
        show_result(stopped.get("before"), stopped["after"], stopped["recipe"], key=key)
