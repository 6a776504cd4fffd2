"""DreamLab's command line: ``dreamlab COMMAND`` (or ``python -m cli COMMAND``). The engine never imports it."""
