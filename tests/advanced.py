"""AppTest helper: open a page's "Advanced settings" (its widgets are drawn only while it is open)."""

EXPANDERS = {"dream": "dream:advanced:open", "zoom": "motion:zoom:advanced:open",
             "video": "motion:video:advanced:open", "style": "style:advanced:open",
             "palette": "palette:advanced:open"}


def open_advanced(at, which: str = "dream"):
    at.session_state[EXPANDERS[which]] = True
    return at.run()
