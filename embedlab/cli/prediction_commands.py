"""Command-line commands for predictions (filled in by the prediction work)."""


def add_commands(subparsers) -> None:
    """Register this group's commands (none yet)."""
