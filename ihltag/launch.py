"""The ``ihltag`` command's entry point: start-up without the cyclic garbage collector.

Starting a run imports typer, pydantic and the package and builds their classes:
hundreds of thousands of objects that all live until the process ends. The collector
would walk them again and again as they are made (~80 collections, 15-25 ms of a
one-file lint) and find nothing to free. So it is held while the process starts and
turned back on, with everything made so far frozen (never walked again, and not
copied by the workers forked later), when the command starts its real work
(``started``, called by the commands in ``ihltag.cli``). A run over many files keeps
the collector as before. Importing ``ihltag.cli`` (tests, other programs) changes
nothing: only this entry point holds the collector.
"""

from __future__ import annotations

import gc

_held = False


def main() -> None:
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True
    from ihltag.cli import main as run

    run()


def started() -> None:
    """Start-up is over: the collector runs again, on what is made from now on."""
    global _held
    if _held:
        _held = False
        gc.freeze()
        gc.enable()
