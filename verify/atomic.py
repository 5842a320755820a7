"""Safe output files: atomic writes, an output-folder lock, an early writability check.

* :func:`atomic_write_text` writes a temporary file in the target's folder and
  renames it over the target (``os.replace``), so a reader sees the old file or
  the new one, never a mixture or a half-written one.
* :func:`output_folder` checks that a folder can be written *before* a run
  computes anything, and holds a lock file (``.overmix.lock``, created with
  ``O_EXCL`` and holding the owner's pid and a token) for the duration of the
  run: a second run into the same folder (from any process) is refused with a message naming the option and the
  owner, instead of mixing its files with the first run's. A lock left by a
  process that no longer exists is taken over.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from pathlib import Path

LOCK_NAME = ".overmix.lock"


def atomic_write_text(path, text: str) -> Path:
    """Write ``text`` to ``path`` atomically (temporary file in the same folder, then ``os.replace``)."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # the permissions a plain open() would have given
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def check_writable(folder, option: str = "--out") -> Path:
    """Create ``folder`` if needed and prove it writable with a probe file; ValueError naming ``option``."""
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=".overmix-probe.", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ValueError(f"{option}: cannot write to {str(folder)!r} ({exc.strerror or exc}); "
                         "choose a writable folder") from None
    return folder


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _acquire(lock: Path, option: str) -> str:
    """Create ``lock`` holding ``"<pid> <token>"``; returns that content."""
    content = f"{os.getpid()} {uuid.uuid4().hex}"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            try:
                owner = int((lock.read_text().split() or ["0"])[0])
            except (OSError, ValueError):
                owner = 0
            if owner > 0 and _pid_alive(owner):
                raise ValueError(f"{option}: {str(lock.parent)!r} is in use by another run (pid {owner}); "
                                 f"wait for it or choose another folder (lock file {lock})") from None
            with contextlib.suppress(FileNotFoundError):
                lock.unlink()  # stale: its owner is gone
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(content)
        return content
    raise ValueError(f"{option}: could not lock {str(lock.parent)!r} (lock file {lock})")


@contextlib.contextmanager
def output_folder(folder, option: str = "--out"):
    """Check ``folder`` is writable and hold its lock while the block runs; yields the folder."""
    folder = check_writable(folder, option)
    lock = folder / LOCK_NAME
    content = _acquire(lock, option)
    try:
        yield folder
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text() == content:
                lock.unlink()

