"""Running heavy jobs for many visitors: a fair queue with progress, previews and cancel. No Streamlit here."""
