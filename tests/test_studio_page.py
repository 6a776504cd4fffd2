"""The studio's restore paths through Streamlit's AppTest (no browser): a shared link brings back
a result's settings, and says plainly when the person's own photo was not part of it."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, open_page
from dreamlab.studio.recipes import share_token


def open_link(settings: dict, page: str = "dream") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["recipe"] = share_token({"page": page, "settings": settings})
    at.run()
    assert not at.exception, at.exception
    return at


def test_a_link_brings_back_the_settings_of_a_sample_photo():
    at = open_link({"dream:source": "Sample", "dream:sample": "coffee.jpg", "dream:seed": 5,
                    "dream:preset": "creatures"})
    assert at.title[0].value == "Deep Dream"
    assert at.session_state["dream.seed"] == 5
    assert at.radio(key="dream.preset").value == "creatures"
    assert at.selectbox(key="dream:sample").value == "coffee.jpg"
    assert not at.warning


def test_a_link_made_from_an_own_photo_asks_for_it_again_instead_of_using_a_sample():
    at = open_link({"dream:source": "Upload", "dream:seed": 9})
    assert at.session_state["dream.seed"] == 9
    assert at.session_state["dream:source"] == "Upload"  # not silently a sample
    notes = [w.value for w in at.warning]
    assert any("Your own photo was not part of the link" in n and "upload it again" in n for n in notes), notes
    assert "Using" not in " ".join(c.value for c in at.caption)  # no older upload stands in for it
    assert any("Your own photo was not part of the link: upload it again" in t.value for t in at.toast)


def test_a_link_made_from_own_paintings_says_so():
    at = open_link({"style:source": "Sample", "style": {"painting_source": "Upload"}}, page="style")
    assert at.title[0].value == "Style Transfer"
    assert at.session_state["style.painting_source"] == "Upload"
    toasts = [t.value for t in at.toast]
    assert any("Your own paintings were not part of the link: upload them again" in t for t in toasts), toasts


def test_a_press_that_came_before_its_photo_is_not_lost():
    """The browser can send a press before the rerun that brings a photo just chosen: the press
    waits for it (and says so), and the job starts once the photo is there."""
    from dreamlab.studio.runner import PHOTO_ON_ITS_WAY
    at = open_page("deep_dream.py")
    at.select_slider(key="dream.size").set_value("Small (fast)").run()
    at.segmented_control(key="dream:source").set_value("Upload").run()
    at.button(key="run-dream").click().run()
    assert any(PHOTO_ON_ITS_WAY in i.value for i in at.info)
    assert not any("Choose a photo first" in w.value for w in at.warning)  # not yet: it may be on its way
    assert "dream:result" not in at.session_state
    at.segmented_control(key="dream:source").set_value("Sample").run()  # the photo arrives: no new press
    assert not at.exception, at.exception
    assert at.session_state["dream:result"]["after"].size == at.session_state["dream:result"]["before"].size
    at.radio(key="dream.preset").set_value("creatures").run()
    assert "run-dream:pending" not in at.session_state  # one press, one job


def test_a_press_whose_photo_never_comes_says_so_once_under_the_button(monkeypatch):
    import dreamlab.studio.runner as runner
    monkeypatch.setattr(runner, "PRESS_KEPT_S", 0.0)
    at = open_page("deep_dream.py")
    at.segmented_control(key="dream:source").set_value("Upload").run()
    at.button(key="run-dream").click().run()
    notes = [w.value for w in at.warning]
    assert sum("Choose a photo first" in n for n in notes) == 1, notes
    assert "run-dream:pending" not in at.session_state
    main = [e for e in at.main]
    button_at = next(i for i, e in enumerate(main) if getattr(e, "key", None) == "run-dream")
    warning_at = next(i for i, e in enumerate(main) if type(e).__name__ == "Warning")
    assert warning_at > button_at  # where the button is, not at the page's top
    at.radio(key="dream.preset").set_value("creatures").run()
    assert not any("Choose a photo first" in w.value for w in at.warning)  # said once


def test_a_job_past_its_last_step_says_it_is_finishing():
    from engine.progress import Progress
    from dreamlab.studio.runner import working_text
    assert working_text(None) == "**Starting…**"
    assert "octave 2 of 4, step 3 of 10" in working_text(Progress("octave", 1, 4, 3, 10, 0.4))
    assert "Almost done" in working_text(Progress("palette", 2, 3, 40, 40, 1.0))


def test_an_uploaded_photo_stays_after_a_page_round_trip_and_the_next_change():
    """Coming back showed the photo once; the first change after that (any re-run) lost it."""
    import io

    from tests.conftest import gradient_picture
    photo = io.BytesIO()
    gradient_picture(96, 64, seed=1).save(photo, format="PNG")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("app_pages/deep_dream.py").run()
    at.segmented_control(key="dream:source").set_value("Upload").run()
    at.file_uploader(key="dream:upload:0").set_value(("holiday.png", photo.getvalue(), "image/png")).run()
    assert not at.exception, at.exception
    at.switch_page("app_pages/style_transfer.py").run()
    at.switch_page("app_pages/deep_dream.py").run()

    def using_the_upload() -> bool:
        return any("Using **holiday.png** from before" in c.value for c in at.caption)

    assert using_the_upload()
    at.radio(key="dream.preset").set_value("creatures").run()
    assert using_the_upload()
    assert not any("Choose a photo first" in w.value for w in at.warning)
    uploader = at.file_uploader(key="dream:upload:0")
    uploader.set_value(("beach.png", photo.getvalue(), "image/png")).run()
    at.file_uploader(key="dream:upload:0").set_value(None).run()  # removed by the person
    assert not using_the_upload() and not any("beach.png" in c.value for c in at.caption)


def test_every_choice_with_a_default_cannot_be_unselected():
    """Pressing the chosen segment again must keep it (Streamlit's ``required``), on every page."""
    seen = 0
    for page_file in ("deep_dream.py", "style_transfer.py", "motion.py", "hybrid_palette.py", "filter_gallery.py"):
        at = open_page(page_file)
        for control in at.get("button_group"):
            if control.proto.click_mode != control.proto.SINGLE_SELECT:
                continue  # (a pick-several set, like the built-in paintings, may be empty)
            seen += 1
            assert control.proto.required, f"{control.key} on {page_file} can be unselected"
    assert seen >= 5


def test_the_answer_to_an_upload_survives_a_new_script_run():
    """Streamlit clears its message queue when a script run starts; the answer that tells the
    browser where to send a dropped file must survive it, or the file never leaves the browser."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

    from dreamlab.studio.inputs import keep_upload_answers

    def answer_survives() -> bool:
        queue = ForwardMsgQueue()
        answer = ForwardMsg()
        answer.file_urls_response.response_id = "upload-1"
        queue.enqueue(answer)
        queue.clear(retain_lifecycle_msgs=True)  # what a new script run does
        return [m.WhichOneof("type") for m in queue.flush()] == ["file_urls_response"]

    keep_upload_answers()
    keep_upload_answers()  # twice: still one wrapper
    assert answer_survives()


def test_a_crafted_style_link_is_clamped_with_a_note_not_an_exception():
    at = open_link({"style": {"strength": 1e9, "steps": -5, "size": "huge", "model": "nope", "paintings": ["x", 3],
                              "shares": {"swirling_night": float("nan")}}, "style:result": 1}, page="style")
    assert at.title[0].value == "Style Transfer"
    assert at.slider(key="style.strength").value == 1.0
    assert at.session_state["style.steps"] == 1
    assert at.button_group(key="style.paintings").value == []
    toasts = [t.value for t in at.toast]
    assert "The link asked for Style strength 1e+11%; DreamLab allows at most 100%, so it uses 100%." in toasts
    assert "style:result" not in at.session_state


def test_an_old_style_link_from_before_the_settings_models_restores():
    """Settings as main 5d7e44a wrote them: the pages' widget keys, a share by the painting's place."""
    at = open_link({"style:source": "Sample", "style:sample": "coffee.jpg", "style-strength": 70,
                    "style-quality": "fast", "style-size-fast": 200, "style-steps-fast": 12, "style-seed": 4,
                    "style-builtin": ["great_wave", "swirling_night"], "style-blend-0": 80, "style-blend-1": 30,
                    "style-style-layers-lite0": ["block1", "block3"]}, page="style")
    assert at.slider(key="style.strength").value == 0.7
    assert at.radio(key="style.quality").value == "fast"
    assert at.session_state["style.size"] == 200 and at.session_state["style.steps"] == 12
    assert at.session_state["style.seed"] == 4
    assert at.button_group(key="style.paintings").value == ["great_wave", "swirling_night"]
    assert at.slider(key="style.share.great_wave").value == 80
    assert at.slider(key="style.share.swirling_night").value == 30
    assert at.session_state["style.style_layers"] == ["block1", "block3"]
    assert at.selectbox(key="style:sample").value == "coffee.jpg"
