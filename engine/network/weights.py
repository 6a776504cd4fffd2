"""Downloading the classic networks' weights (GoogLeNet, VGG) into torch's cache folder, with progress and
a checksum, in plain Python: no torch, so the app's server can fetch them with a progress bar (and the
workers load them later). Lite0's weights come with DreamLab and are never downloaded."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile

from engine.catalog import WEIGHT_URLS, weights_path


class ModelUnavailable(RuntimeError):
    """The model's weights cannot be had (usually: offline and not cached yet)."""


def ensure_weights(name: str, on_download=None) -> None:
    """Download a model's weights into the cache unless they are there already."""
    url = WEIGHT_URLS.get(name)
    if url is None or os.path.exists(weights_path(url)):
        return
    os.makedirs(os.path.dirname(weights_path(url)), exist_ok=True)
    try:
        _download(url, weights_path(url), on_download)
    except OSError as err:  # urllib's URLError is an OSError
        raise ModelUnavailable(
            f"Could not download the {name} weights ({err.__class__.__name__}). "
            "Are you offline? The built-in Lite0 model works without internet.") from err


def _download(url: str, path: str, on_download=None, chunk: int = 1 << 20) -> None:
    import urllib.request  # only here: a download is rare, and the import costs every start

    expected = re.search(r"-([a-f0-9]{6,})\.", os.path.basename(url))
    digest = hashlib.sha256()
    with urllib.request.urlopen(url, timeout=30) as response:
        total = int(response.headers.get("Content-Length") or 0)
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                done = 0
                while block := response.read(chunk):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if on_download:
                        on_download(done, total)
            if expected and not digest.hexdigest().startswith(expected.group(1)):
                raise OSError("downloaded weights are corrupt (checksum mismatch)")
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
