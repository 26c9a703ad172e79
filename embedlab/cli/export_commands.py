"""Command-line commands (filled in by the export work)."""


def add_commands(subparsers) -> None:
    """Register this group's commands (none yet)."""
