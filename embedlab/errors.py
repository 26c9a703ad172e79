"""The one exception type the core raises for anything a user can fix."""


class EmbedLabError(Exception):
    """A problem with the user's input, worded for that user.

    The message says what happened, what was expected and how to fix it, e.g.
    ``"column 'label' has 1 distinct value; a classifier needs at least 2 — pick
    another label column"``. Pages show it with ``st.error``; the command line
    prints it on one line and exits with code 2.
    """
