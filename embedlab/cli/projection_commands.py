"""Command-line commands for projections (filled in by the projection work)."""


def add_commands(subparsers) -> None:
    """Register this group's commands (none yet)."""
