"""The cyclic garbage collector, paused while a batch makes millions of objects.

Records and lines hold no reference cycles: reference counting frees them, and
each collection of the cyclic collector would only walk them all again (at
100,000 enterprises that was half of the computation).  When the pause ends the
collector is turned back on, and its next collections walk what was made
meanwhile once more (about 1.3 s at 100,000 enterprises); the command line,
whose process ends with the run, does not turn it back on (``cli.main``).
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
