"""DreamLab's engine: pure torch + Pillow. No UI imports here."""
__version__ = "0.1.0"
