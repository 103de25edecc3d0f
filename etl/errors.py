"""Errors every source module raises, so the CLI can report them the same way."""


class ParseError(ValueError):
    """A publisher file does not hold what we expect; the message names file, row and value."""
