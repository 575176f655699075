"""Output formats of ``ihltag check``: each renders a ``CheckRun`` to text, never prints."""
