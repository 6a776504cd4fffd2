"""DreamLab's app around the engine: settings, the studio (Streamlit widgets, history), the job
service and the command line. The engine (``engine``) never imports this package."""
