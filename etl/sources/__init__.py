"""One module per publisher: ``fetch`` (live → raw snapshot) and ``parse`` (file → tidy frame)."""
