"""The command line's print, wallpaper and seamless flags (issue 27), as a user types them."""
from __future__ import annotations

from PIL import Image

from engine.images.pictures import png_dpi, read_recipe
from engine.images.seamless import seam_scores
from tests.conftest import gradient_picture
from tests.test_cli import run


def test_dream_size_makes_a_larger_seamless_print_at_300_dpi(tmp_path):
    photo = tmp_path / "in.png"
    gradient_picture(128, 96).save(photo)
    out = tmp_path / "out.png"
    done = run("dream", str(photo), str(out), "--size", "200", "--seamless", "--octaves", "1", "--steps", "2",
               "--layers", "block4", timeout=600)
    assert done.returncode == 0, done.stderr
    picture = Image.open(out)
    assert picture.size == (200, 150)
    assert png_dpi(out.read_bytes()) == 300 and read_recipe(out)["seamless"] is True
    assert max(seam_scores(picture.convert("RGB"))) <= 1.5


def test_dream_refuses_a_print_above_the_servers_cap_in_one_line(tmp_path, monkeypatch):
    photo = tmp_path / "in.png"
    gradient_picture(128, 96).save(photo)
    monkeypatch.setenv("DREAMLAB_MAX_PIXELS", "1000000")
    done = run("dream", str(photo), str(tmp_path / "out.png"), "--size", "4096")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "megapixels" in done.stderr


def test_dream_shape_gives_the_wallpapers_pixels(tmp_path):
    photo = tmp_path / "in.png"
    gradient_picture(128, 96).save(photo)
    out = tmp_path / "out.png"
    done = run("dream", str(photo), str(out), "--shape", "desktop-hd", "--octaves", "1", "--steps", "1",
               "--layers", "block2", timeout=600)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (1920, 1080)
    assert read_recipe(out)["shape"] == "desktop-hd"


def test_style_shape_gives_the_wallpapers_pixels_cropped_where_asked(tmp_path):
    photo = tmp_path / "in.png"
    gradient_picture(160, 96).save(photo)
    out = tmp_path / "out.png"
    done = run("style", str(photo), "swirling_night", str(out), "--quality", "fast", "--shape", "phone",
               "--crop-centre", "0.2,0.5", "--keep-colors", "--size", "64", "--steps", "1", "--scales", "1",
               timeout=600)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).size == (1179, 2556)
    recipe = read_recipe(out)
    assert recipe["shape"] == "phone" and recipe["crop_centre"] == [0.2, 0.5] and png_dpi(out.read_bytes()) == 300


def test_style_refuses_a_crop_centre_outside_the_photo_in_one_line(tmp_path):
    photo = tmp_path / "in.png"
    gradient_picture(128, 96).save(photo)
    done = run("style", str(photo), "swirling_night", str(tmp_path / "out.png"), "--shape", "phone",
               "--crop-centre", "1.5,0.5")
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "crop" in done.stderr
