"""Command-line commands for vectors (filled in by the vector work)."""


def add_commands(subparsers) -> None:
    """Register this group's commands (none yet)."""
