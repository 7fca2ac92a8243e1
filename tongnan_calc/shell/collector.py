"""The cyclic garbage collector, paused while a batch makes millions of objects.

Records and lines hold no reference cycles: reference counting frees them, and
each collection of the cyclic collector would only walk them all again (at
100,000 enterprises that was half of the computation).  When the pause ends the
collector is turned back on, and its next collections walk whatever made
meanwhile is still alive: ``run`` (``cli.app._run``) therefore keeps the pause
until the terminal has shown the result and the result is let go — paused only
around ``batch``, the first collections after it walked the result's records
and lines twice (0.27 s and 0.21 s of a 10,000-enterprise run, seen in a profile
as a slow ``rich`` ``Table.add_row``).  The pause always ends with the command.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside (the collector's state is restored after)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
