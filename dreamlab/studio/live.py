"""The Live page's widgets: the mirror (streamlit-webrtc), its settings, the line for a busy mirror,
Snapshot and Record, and camera trouble in plain words.

Nothing here dreams: the WebRTC callback passes each frame to ``dreamlab.jobs.live.LiveStream``,
whose live worker process does (the server never imports torch).
"""
from __future__ import annotations

import json
import os
from typing import Optional

import streamlit as st
from PIL import Image

from engine.catalog import BUILTIN_STYLES, DEFAULT_PRESET, PRESETS, get_spec
from engine.style import instant_files
from dreamlab.jobs import live
from dreamlab.studio import history, persist
from dreamlab.studio.live_sample import LoopingPlayer, counter_rows, sample_clip
from dreamlab.studio.persist import kept
from dreamlab.studio.components import frontend

PAGE, PREFIX = "live", "live:"
SIZES = {"Small · 320×240 (smoothest)": (320, 240), "Medium · 480×360": (480, 360)}
# The camera is asked for at most this many frames per second, by the dream's height. Not for more
# dreams (the worker takes the newest frame when free), but for less delay: several waits on the way
# are a frame period each (the server's WebRTC receiver holds a frame until the next one starts, the
# newest frame's age when the worker takes it, the next frame that carries the dream out), about half
# as long at 30 as at 15. Measured quietly (benchmarks/bench_live.py): 480x360 at 15 fps 333 ms
# behind the camera, at 30 fps 217 ms.
FRAME_RATES = {240: 30, 360: 30}
MAX_PALETTE_BYTES = 100_000
INSTANT_MODE = "Instant style"  # engine.style.instant.register_live_mode, in the live worker
SAMPLE_PALETTE = [{"layer": "block6", "channel": 20, "weight": 1.0}, {"layer": "block9", "channel": 7, "weight": 1.0}]
SAMPLE_SWITCH = "Use a sample clip instead"
# What the mirror's own buttons and messages say (the browser adds its reason in brackets).
TRANSLATIONS = {
    "start": "Start the mirror",
    "stop": "Stop",
    "select_device": "Choose a camera",
    "media_api_not_available": ("This browser cannot show a camera here (no WebRTC, or the page is not on https). "
                                f"Open DreamLab in a recent Chrome, Edge, Firefox or Safari, or switch on “{SAMPLE_SWITCH}”."),
    "device_ask_permission": "Please allow DreamLab to use your camera (the browser asks at the top of the window).",
    "device_not_available": ("No camera was found, or another program is using it. Plug one in or close the other "
                             f"program, then reload the page; or switch on “{SAMPLE_SWITCH}”."),
    "device_access_denied": ("The browser was not allowed to use the camera. Allow it (the camera icon in the "
                             f"address bar), then reload the page; or switch on “{SAMPLE_SWITCH}”."),
}


NO_WEBRTC = TRANSLATIONS["media_api_not_available"]
# The mirror component shows a failed start as the browser's error name ("NotAllowedError: Permission
# denied"); these sentences replace it (``camera_words``).
PLAIN_ERRORS = {
    "NotAllowedError": TRANSLATIONS["device_access_denied"], "SecurityError": TRANSLATIONS["device_access_denied"],
    "NotFoundError": TRANSLATIONS["device_not_available"], "OverconstrainedError": TRANSLATIONS["device_not_available"],
    "NotReadableError": ("The camera is busy: another program or tab is using it. Close that one, then press Start "
                         f"the mirror again; or switch on “{SAMPLE_SWITCH}”."),
    "AbortError": "The camera stopped while starting. Press Start the mirror again.",
    "TypeError": NO_WEBRTC, "ReferenceError": NO_WEBRTC, "no-webrtc": NO_WEBRTC,
    "default": f"The camera could not be started. Reload the page and try again, or switch on “{SAMPLE_SWITCH}”.",
}
_camera_words = st.components.v2.component("dreamlab_camera_words", **frontend("camera_words"))
_mirror_video = st.components.v2.component("dreamlab_mirror_video", **frontend("mirror_video"))


def camera_words() -> None:
    """Puts plain words where the mirror would show the browser's error name (this page's document
    reaches into the mirror's frame: both come from this server)."""
    _camera_words(key="live:camera-words", data=PLAIN_ERRORS)


def mirror_video(beside: bool) -> None:
    """The mirror's video with no extra delay in the browser and, with ``beside``, the camera beside the
    dream, played by the browser from its own stream: the server sends back the dream alone (a
    double-width picture coded on the server cost more than the dream)."""
    _mirror_video(key="live:mirror-video", data={"beside": bool(beside)})


def session_id() -> str:
    from streamlit.runtime.scriptrunner import get_script_run_ctx
    ctx = get_script_run_ctx()
    return ctx.session_id if ctx else "local"


def ice_servers() -> Optional[list]:
    """STUN/TURN servers from the environment (docs/deploy.md); [] (none) on a machine that sets
    none, so localhost never waits for a server it cannot reach. None: streamlit-webrtc asks the
    provider whose credentials are set (HF_TOKEN on Spaces, TWILIO_*, CLOUDFLARE_TURN_*)."""
    raw = os.environ.get("DREAMLAB_ICE_SERVERS", "").strip()
    if raw:
        try:
            servers = json.loads(raw)
            return servers if isinstance(servers, list) else [servers]
        except json.JSONDecodeError:
            pass
    servers = []
    stun = [u.strip() for u in os.environ.get("DREAMLAB_STUN_URLS", "").split(",") if u.strip()]
    if stun:
        servers.append({"urls": stun})
    turn = [u.strip() for u in os.environ.get("DREAMLAB_TURN_URLS", "").split(",") if u.strip()]
    if turn:
        servers.append({"urls": turn, "username": os.environ.get("DREAMLAB_TURN_USERNAME", ""),
                        "credential": os.environ.get("DREAMLAB_TURN_CREDENTIAL", "")})
    if not servers and any(os.environ.get(k) for k in ("HF_TOKEN", "TWILIO_ACCOUNT_SID", "CLOUDFLARE_TURN_KEY_ID")):
        return None
    return servers


def stream() -> live.LiveStream:
    key = "_live_stream"
    if key not in st.session_state:
        st.session_state[key] = live.LiveStream(session_id(), on_streaming=live.seats().streaming)
    return st.session_state[key]


# --- settings -------------------------------------------------------------------------------------

def read_palette(data: bytes) -> tuple[list[dict], Optional[str]]:
    """A saved palette file's filters (checked against Lite0's layers), or an error in plain words."""
    spec = get_spec("lite0")
    try:
        if len(data) > MAX_PALETTE_BYTES:
            raise ValueError
        filters = json.loads(data)["filters"]
        checked = [{"layer": str(f["layer"]), "channel": int(f["channel"]), "weight": float(f.get("weight", 1.0))}
                   for f in filters[:32]]
        for f in checked:
            if not 0 <= f["channel"] < spec.layer(f["layer"]).channels:
                raise ValueError
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return [], "This file is not a palette saved by DreamLab's Hybrid Palette page (for the Lite0 network)."
    return checked, None


def mode_params() -> tuple[str, dict, str]:
    """(mode, its params, a label for the history) from the mode widgets."""
    instant, why_not = instant_files.instant_available()
    modes = ["Dream", "Palette", *([INSTANT_MODE] if instant else [])]
    mode = st.segmented_control("Mode", modes, default="Dream", required=True,
                                **kept("live:mode")) or "Dream"
    if not instant:
        st.caption(f":material/info: {why_not}")
    if mode == INSTANT_MODE and instant:
        painting = st.selectbox("Painting", list(BUILTIN_STYLES), format_func=lambda n: BUILTIN_STYLES[n],
                                **kept("live:painting"))
        keep = st.toggle("Keep my colours", **kept("live:keep-colors"))
        return "instant", {"painting": painting, "keep_colors": keep}, BUILTIN_STYLES[painting].split(" (")[0]
    if mode == "Palette":
        uploaded = st.file_uploader("A saved palette (.json from the Hybrid Palette page)", type=["json"],
                                    key="live:palette-file")
        if uploaded is None:
            st.caption("Without a file the mirror paints with a small sample palette.")
            return "palette", {"filters": SAMPLE_PALETTE}, "sample palette"
        filters, error = read_palette(uploaded.getvalue())
        if error:
            st.error(error)
        return "palette", {"filters": filters or SAMPLE_PALETTE}, uploaded.name
    preset = st.radio("Style of dream", list(PRESETS), index=list(PRESETS).index(DEFAULT_PRESET), horizontal=True,
                      format_func=lambda n: PRESETS[n].title, **kept("live:preset"))
    layers = dict(PRESETS[preset].layers["lite0"])
    with st.expander("Advanced settings"):
        names = ["(the style's own)"] + get_spec("lite0").layer_names()
        layer = st.selectbox("Layer to amplify", names, **kept("live:layer"),
                             format_func=lambda n: n if n.startswith("(") else f"{n} · {get_spec('lite0').layer(n).hint}")
    if not layer.startswith("("):
        layers = {layer: 1.0}
    return "dream", {"layers": layers}, PRESETS[preset].title


def live_config() -> tuple[dict, dict]:
    """(the worker's config, the recipe for the history) from all the page's settings."""
    mode, params, label = mode_params()
    size = SIZES[st.select_slider("Size", list(SIZES), value=list(SIZES)[0], **kept("live:size"))]
    strength = st.slider("Strength", 1, 10, 5, **kept("live:strength"), help="How far each frame moves towards the dream.")
    with st.expander("Expert settings"):
        steps = st.radio("Steps per frame", [1, 2], horizontal=True, **kept("live:steps"),
                         help="Two steps dream faster but show fewer frames per second.")
        depth = st.slider("Depth", 0.0, 0.95, 0.9, 0.05, **kept("live:depth"),
                          help="How much of the previous frame's dream the next one keeps: 0 dreams every frame alone.")
    settings = {"width": size[0], "height": size[1], "steps": steps, "step_size": 0.004 * strength, "carry": depth,
                "keep_rows": counter_rows(size[1]) if os.environ.get("DREAMLAB_LIVE_PROBE") else 0}
    config = {"mode": mode, "params": params, "settings": settings}
    recipe = {"kind": "live", "mode": mode, **params, **settings, "page": PAGE, "label": label,
              "settings": persist.snapshot(PREFIX)}
    return config, recipe


# --- the mirror ------------------------------------------------------------------------------------

@st.fragment(run_every=2)
def wait_in_line() -> None:
    """Shown while the mirror is busy; checks again every 2 seconds and opens the mirror when it is our turn."""
    ahead = live.seats().ask(session_id())
    if ahead == 0:
        st.rerun(scope="app")
    st.info(f"The live mirror is busy, {ahead} ahead of you. It opens here by itself when it is your turn; "
            "meanwhile every other page works as usual.", icon=":material/hourglass_top:")


def mirror(current: live.LiveStream, use_sample: bool):
    """The WebRTC component: the camera (or the sample clip) in, the dream out."""
    import av
    from streamlit_webrtc import WebRtcMode, webrtc_streamer

    def dreamed(frame: "av.VideoFrame") -> "av.VideoFrame":
        # Scaled to the dream's size while converting (libswscale, well under a millisecond): the
        # worker then gets a quarter of the pixels of a 640x480 camera and resizes nothing.
        width, height = current.frame_size()
        camera = frame.to_ndarray(format="rgb24", width=width, height=height)
        return av.VideoFrame.from_ndarray(current.submit(camera), format="rgb24")

    # async_processing=False: the callback (under a millisecond: it hands the frame over and returns the
    # newest dream) runs as each frame arrives; streamlit-webrtc's default thread sends each answer
    # one camera frame later (67 ms at 15 fps).
    common = dict(video_frame_callback=dreamed, async_processing=False, rtc_configuration={"iceServers": ice_servers()},
                  translations=TRANSLATIONS, video_html_attrs={"autoPlay": True, "muted": True, "style": {"width": "100%"}})
    if use_sample:
        path = sample_clip()
        return webrtc_streamer(key="live-sample", mode=WebRtcMode.RECVONLY, **common,
                               player_factory=lambda: LoopingPlayer(path),
                               media_stream_constraints={"video": True, "audio": False})
    rate = FRAME_RATES.get(current.frame_size()[1], min(FRAME_RATES.values()))
    return webrtc_streamer(key="live-camera", mode=WebRtcMode.SENDRECV, **common, media_stream_constraints={
        "video": {"width": {"ideal": 640}, "height": {"ideal": 480}, "frameRate": {"ideal": rate, "max": rate}},
        "audio": False})


@st.fragment(run_every=2)
def status(current: live.LiveStream, worker: live.LiveWorker) -> None:
    """Frames per second and delay while it runs; trouble in plain words. Also tells the line we are still here."""
    if live.seats().ask(session_id()):  # the seat went to the next in line (this visitor idled)
        current.release()
        st.rerun(scope="app")
    if not worker.ready.is_set():
        st.caption("The mirror is getting ready: the network loads once, in about ten seconds.")
    elif current.error:
        st.error(current.error)
    elif current.dropped():
        st.warning("The camera stream dropped (the camera was unplugged, the tab slept or the connection broke). "
                   "Press Stop, then Start the mirror again.")
    elif current.latest is not None and not current.stopped:
        numbers = current.stats()
        delay = f", {numbers['latency_ms']:.0f} ms behind the camera" if numbers["latency_ms"] else ""
        st.caption(f"{numbers['fps']:.1f} dreamed frames per second{delay}.")


def snapshot_and_record(current: live.LiveStream, recipe: dict) -> None:
    left, right = st.columns(2)
    if left.button("Snapshot", icon=":material/photo_camera:", use_container_width=True,
                   help="Keeps the current dream in the history (the strip on the left), with its settings."):
        latest = current.latest
        if latest is None:
            st.toast("No dreamed frame yet: start the mirror first.")
        else:
            before = Image.fromarray(latest.camera) if latest.camera is not None else None
            history.add(PAGE, Image.fromarray(latest.frame), before, recipe)
            st.toast("Snapshot kept in the history.", icon=":material/photo_camera:")
    if right.button(f"Record the last {live.RECORD_SECONDS:.0f} seconds", icon=":material/videocam:",
                    use_container_width=True):
        frames, fps = current.recording()
        if len(frames) < 2:
            st.toast("Nothing to record yet: start the mirror first.")
        else:
            from engine.motion.clips import mp4_bytes
            st.session_state["live:video"] = mp4_bytes([Image.fromarray(f) for f in frames], fps)
    if st.session_state.get("live:video"):
        st.video(st.session_state["live:video"])
        st.download_button("Download the video (MP4)", st.session_state["live:video"], "dreamlab-live.mp4",
                           "video/mp4", icon=":material/download:", on_click="ignore")
