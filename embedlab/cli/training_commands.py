"""Command-line commands for trainings (filled in by the training work)."""


def add_commands(subparsers) -> None:
    """Register this group's commands (none yet)."""
