"""Errors every source module raises, so the CLI can report them the same way."""


class ParseError(ValueError):
    """A publisher file does not hold what we expect; the message names file, row and value."""


class StagingError(ValueError):
    """A staging file cannot be used or written as asked (a damaged sidecar, a Parquet file
    its sidecar does not describe, another file's bytes in the same place); the message
    names the file and what to do."""
