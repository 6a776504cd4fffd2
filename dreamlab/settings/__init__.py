"""One description of every setting (pydantic v2 models), torch-free and Streamlit-free.

- ``fields``: ``setting(...)`` declares a field (title = the widget's label, description = its help,
  bounds, choices, widget hints); ``describe``/``descriptions`` read them back as ``Description``.
- ``parts``: the shared parts (network and layers, octave schedule, texture, seed, size, region edge).
- ``jobs``: one model per job (``Dream``, ``Zoom``, ``Video``, ``Making``).
- ``reader``: outside values (links, PNG recipes, history, palette files) made safe, never raising.
- ``legacy``: recipes written before these models.
"""
from dreamlab.settings.fields import Description, describe, descriptions, setting  # noqa: F401
from dreamlab.settings.jobs import JOBS, Dream, Making, Video, Zoom  # noqa: F401
from dreamlab.settings.reader import Reading, Unpacked, read, read_link, read_recipe_text  # noqa: F401
