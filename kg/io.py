"""Small file helpers: atomic writes and output sets for the exporters, the reader
locks that keep a store's Oxigraph folder in place while something reads it."""

from __future__ import annotations

import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from kg.errors import GraphError


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
def _signals_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block ends, then deliver them.

    Python runs signal handlers in the main thread whatever thread the kernel picked, so a
    deferring handler there (not a thread's signal mask) is what keeps Ctrl-C out of the block.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous[sig] = signal.signal(sig, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in caught[:1]:
            signal.raise_signal(number)


def _listed(manifest: Path) -> set[str]:
    """The plain file names an earlier set wrote; anything else in the manifest is ignored."""
    import json

    try:
        names = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(names, list):
        return set()
    return {n for n in names if isinstance(n, str) and n not in ("", ".", "..", MANIFEST) and Path(n).name == n}


@contextmanager
def output_set(target: Path | str) -> Iterator[Path]:
    """Stage a set of output files, then swap the whole set into ``target`` at once.

    Files written into the yielded folder replace their namesakes in ``target`` only
    when the block ends without error; an exception or Ctrl-C before then leaves every
    earlier output as it was. Files the previous set listed in ``target``'s manifest
    and this one does not (a ``graph.nt`` from an earlier ``--also``) are removed; other
    files in ``target`` are never touched. SIGINT and SIGTERM are held back during the
    renames, so an interrupt cannot leave half of one set beside half of another.
    """
    import json
    import shutil

    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".kg-staging-", dir=target))
    try:
        yield staging
        names = sorted(p.name for p in staging.iterdir() if p.is_file())
        manifest = target / MANIFEST
        previous = _listed(manifest)
        with _signals_deferred():
            for name in names:
                os.replace(staging / name, target / name)
            for name in sorted(previous - set(names)):
                stale = target / name
                if stale.is_file() and not stale.is_symlink():
                    try:
                        stale.unlink()
                    except OSError:
                        pass  # a file that cannot go stays; the new set is complete without it
            with atomic_write(manifest) as handle:
                json.dump(names, handle)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


# ------------------------------------------------------------ readers of the Oxigraph folder
#
# A reader (kg serve) holds a shared lock on a file beside the folder it has open; a swap
# deletes an old folder only when it can take that lock exclusively, so no folder is
# deleted under a reader. Folder names are never reused, so a lock file is never shared.


def _readers(folder: Path) -> Path:
    return folder.with_name(f".{folder.name}.readers")


def hold_graph(root: Path | str) -> tuple[Path, IO]:
    """Open the current Oxigraph folder of the kg store in ``root`` for reading.

    Returns the folder and an open lock file: while the file stays open, a later
    :meth:`kg.store.FactStore.write_graph` swaps in its new graph but leaves this folder in
    place. Give the file to :func:`release_graph` when done.
    """
    link = Path(root) / "oxigraph"
    while True:
        folder = link.resolve()
        if not folder.is_dir():
            raise GraphError(f"{link}: no Oxigraph folder")
        handle = open(_readers(folder), "a")
        fcntl.flock(handle, fcntl.LOCK_SH)
        if folder.is_dir():  # not deleted while we waited for the lock: it stays now
            return folder, handle
        handle.close()  # a swap deleted it in between: take the new one
        _readers(folder).unlink(missing_ok=True)


def release_graph(root: Path | str, folder: Path, handle: IO) -> None:
    """Let go of a folder :func:`hold_graph` gave; delete it if it is no longer the
    store's graph and no other reader holds it."""
    handle.close()  # releases the shared lock
    if (Path(root) / "oxigraph").resolve() != folder:
        remove_unheld(folder)


def remove_unheld(folder: Path) -> bool:
    """Delete an old Oxigraph folder unless a reader holds it; True if it is gone."""
    lock = _readers(folder)
    with open(lock, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        shutil.rmtree(folder, ignore_errors=True)
        lock.unlink(missing_ok=True)  # under the lock: a reader waiting on it finds no folder
    return True

