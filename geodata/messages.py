"""The gettext marker, here at the bottom so the schema's labels can be marked for extraction.

``N_`` returns its message unchanged; ``core.i18n`` translates the message where it is shown.
"""


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message
