"""DreamLab's command line: ``dreamlab COMMAND`` (or ``python -m dreamlab.cli COMMAND``). The engine never imports it."""
