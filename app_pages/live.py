import streamlit as st

from dreamlab.jobs import live
from dreamlab.studio import live as mirror_ui
from dreamlab.studio.persist import kept

st.title("Live mirror")
st.write("Your camera, dreamed as you watch. Hold still and the dream grows deeper; move and it follows you. "
         "Nothing is recorded unless you press Snapshot or Record.")

current = mirror_ui.stream()
ahead = live.seats().ask(mirror_ui.session_id())
if ahead:
    current.release()
    mirror_ui.wait_in_line()
    st.stop()

shown = st.container()
use_sample = st.toggle(mirror_ui.SAMPLE_SWITCH, **kept("live:sample"),
                       help="No camera, or just trying it out: the mirror dreams a short clip of the sample cat photo.")
beside = st.toggle("Show the camera beside the dream", value=True, **kept("live:beside"))
current.side_by_side = beside and use_sample  # the clip plays on the server; a camera is shown by the browser
config, recipe = mirror_ui.live_config()

worker = live.worker(live.seats().index(mirror_ui.session_id()) or 0)
current.use(worker, config)
with shown:
    ctx = mirror_ui.mirror(current, use_sample)
    mirror_ui.camera_words()
    mirror_ui.mirror_video(beside and not use_sample)
    if not ctx.state.playing:
        current.stop()
    mirror_ui.status(current, worker)
    mirror_ui.snapshot_and_record(current, recipe)
