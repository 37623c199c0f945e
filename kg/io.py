"""Small file helpers shared by the exporters."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


UMASK = _umask()  # read once at import: changing the umask later would race other threads


@contextmanager
def atomic_write(path: Path | str, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    A crash or an exception while writing leaves any earlier ``path`` untouched and
    no half-written file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, encoding=None if "b" in mode else encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes the file private; give it the usual mode
        os.replace(tmp, path)
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


MANIFEST = ".kg-outputs.json"


@contextmanager
def output_set(target: Path | str) -> Iterator[Path]:
    """Stage a set of output files, then swap the whole set into ``target`` at once.

    Files written into the yielded folder replace their namesakes in ``target`` only
    when the block ends without error; an exception or Ctrl-C before then leaves every
    earlier output as it was. Files the previous set listed in ``target``'s manifest
    and this one does not (a ``graph.nt`` from an earlier ``--also``) are removed; other
    files in ``target`` are never touched. The renames run with SIGINT and SIGTERM held
    back, so an interrupt cannot leave half of one set beside half of another.
    """
    import json
    import shutil
    import signal

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=target))
    try:
        yield staging
        names = sorted(p.name for p in staging.iterdir() if p.is_file())
        manifest = target / MANIFEST
        try:
            previous = set(json.loads(manifest.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            previous = set()
        held = {signal.SIGINT, signal.SIGTERM}
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            for name in names:
                os.replace(staging / name, target / name)
            for name in sorted(previous - set(names)):
                if "/" not in name and name not in (MANIFEST,):
                    (target / name).unlink(missing_ok=True)
            with atomic_write(manifest) as handle:
                json.dump(names, handle)
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
