"""Read a big file in a child process, so that reading overlaps with storing.

Parsing a CSV export and storing it each keep one core busy. For a big file
:func:`borderwatch.importers.read_incidents` therefore reads in a child
process while its caller stores the chunk before: the child parses chunk
*k + 1* while the caller writes chunk *k*.

The caller sees the same stream as without a child: the same chunks in the
same order, and an exception raised while reading (a refused file, an
unknown format …) raised at the same point in the stream, with the same type
and message. The child parses one chunk ahead, then waits while sending it
until the caller takes it (a pipe buffers 64 KB), so memory stays bounded:
one chunk in each process, whatever the file's size. Chunks cross the pipe
pickled and compressed (LZ4): the caller, the busier of the two, then spends
little time receiving them.

The child is a fresh interpreter (``python -c``) that imports this module
only: unlike :mod:`multiprocessing`'s ``spawn``, it does not run the
caller's main script again, and unlike ``fork`` it is safe in a threaded
program such as the dashboard. It does not outlive its reader: it is ended
when the stream is closed or garbage-collected before its end, and when the
caller's interpreter exits; and it ends itself when its parent dies without
cleaning up (killed): its next send fails, and a watchdog thread notices
that the parent is gone. It runs in a session of its own, so that Ctrl-C in
a terminal interrupts the caller only, which then ends the child.
"""

from __future__ import annotations

import atexit
import gc
import os
import pickle
import subprocess
import sys
import threading
import time
import traceback
import weakref
from collections.abc import Iterator, Mapping
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Final

import pyarrow as pa

from borderwatch import config
from borderwatch.errors import BorderWatchError
from borderwatch.importers import sniff
from borderwatch.importers.base import ParsedChunk

#: Compression of the messages from the child ("lz4" is LZ4 frame), None if Arrow lacks it.
_CODEC: Final[str | None] = "lz4" if pa.Codec.is_available("lz4") else None
_PLAIN: Final[bytes] = b"p"
_PACKED: Final[bytes] = b"z"

_CHUNK: Final[str] = "chunk"
_ERROR: Final[str] = "error"
_END: Final[str] = "end"

#: What the child runs: read its task from stdin, then hand over to :func:`child_main`.
_BOOTSTRAP: Final[str] = (
    "import pickle, sys\n"
    "task = pickle.load(sys.stdin.buffer)\n"
    "from borderwatch.importers.background import child_main\n"
    "child_main(task)\n"
)

#: Children still running, ended at exit if their reader was not.
_RUNNING: weakref.WeakSet[subprocess.Popen[bytes]] = weakref.WeakSet()


class BackgroundReadError(BorderWatchError, RuntimeError):
    """The child process reading a file stopped without saying why (killed, out of memory …)."""


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def use_background(path: Path, background: bool | None) -> bool:
    """Whether to read ``path`` in a child process.

    Parameters
    ----------
    path : Path
    background : bool or None
        ``True`` or ``False`` decides; ``None`` (the default of
        :func:`~borderwatch.importers.read_incidents`): on a POSIX system
        with at least two CPUs to run on, when the file has at least
        :data:`borderwatch.config.IMPORT_BACKGROUND_MIN_BYTES`, or is a workbook of at least
        :data:`borderwatch.config.IMPORT_BACKGROUND_MIN_WORKBOOK_BYTES`.

    Returns
    -------
    bool
    """
    if background is not None:
        return bool(background)
    if os.name != "posix" or not sys.executable or _cpus() < 2:
        return False
    try:
        size = path.stat().st_size
        if size >= config.IMPORT_BACKGROUND_MIN_BYTES:
            return True
        return size >= config.IMPORT_BACKGROUND_MIN_WORKBOOK_BYTES and sniff.file_kind(path) == "xlsx"
    except Exception:  # noqa: BLE001 - only a guess: reading in this process reports the problem
        return False


def read_in_background(path: Path, options: Mapping[str, Any]) -> Iterator[ParsedChunk]:
    """Stream ``read_incidents(path, **options)`` computed in a child process.

    Parameters
    ----------
    path : Path
    options : mapping
        Keyword arguments of :func:`~borderwatch.importers.read_incidents`
        (picklable).

    Yields
    ------
    ParsedChunk
        As ``read_incidents`` yields them.

    Raises
    ------
    Exception
        What ``read_incidents`` raised in the child, same type and message,
        after the chunks read before it.
    BackgroundReadError
        The child ended without a word (it was killed, or ran out of memory).
    """
    path = Path(path)
    task = {
        "path": path.absolute(),
        "options": dict(options),
        "parent": os.getpid(),
    }
    readable, writable = os.pipe()
    child = None
    try:
        child = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, str(writable)],
            stdin=subprocess.PIPE,
            pass_fds=(writable,),
            start_new_session=True,
        )
        _RUNNING.add(child)
        # Only the child writes: with this end closed here, a dead child reads as EOF.
        os.close(writable)
        writable = -1
        with Connection(readable, writable=False) as receiver:
            readable = -1
            assert child.stdin is not None
            try:
                with child.stdin:
                    pickle.dump(task, child.stdin)
            except BrokenPipeError:
                pass  # the child is gone already: the receiver reads the end of its pipe
            while True:
                try:
                    kind, payload = _unpack(receiver.recv_bytes())
                except EOFError:
                    try:
                        code = child.wait(config.IMPORT_BACKGROUND_STOP_SECONDS)
                    except subprocess.TimeoutExpired:
                        code = None
                    raise BackgroundReadError(
                        f"{path.name}: the process reading the file stopped unexpectedly "
                        f"(exit code {code}); nothing of the file was kept"
                    ) from None
                if kind == _CHUNK:
                    yield payload
                elif kind == _ERROR:
                    raise payload
                else:
                    return
    finally:
        for descriptor in (readable, writable):
            if descriptor >= 0:
                os.close(descriptor)
        if child is not None:
            _stop(child)


def _pack(message: tuple[str, Any]) -> bytes:
    """A message as bytes: pickled, and compressed when Arrow can (text compresses about tenfold).

    Copying 40 MB of text through a pipe costs the reader more than
    decompressing 4 MB, and the reader is the process that stores.
    """
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    if _CODEC is None:
        return _PLAIN + data
    return _PACKED + len(data).to_bytes(8, "little") + pa.compress(data, codec=_CODEC, asbytes=True)


def _unpack(data: bytes) -> tuple[str, Any]:
    """The message :func:`_pack` made."""
    view = memoryview(data)
    if view[:1] == _PLAIN:
        return pickle.loads(view[1:])
    size = int.from_bytes(view[1:9], "little")
    return pickle.loads(pa.decompress(view[9:], decompressed_size=size, codec=_CODEC))


def _stop(child: subprocess.Popen[bytes]) -> None:
    """End the child if it still runs, and reap it."""
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(config.IMPORT_BACKGROUND_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
    child.wait()
    _RUNNING.discard(child)


@atexit.register
def _stop_all() -> None:
    """At exit, end the children of streams that were never closed."""
    for child in list(_RUNNING):
        _stop(child)


# -- the child ---------------------------------------------------------------


def _watch_parent(parent: int) -> None:
    """End this process once its parent is gone (it was killed, or exited without ending us)."""
    while True:
        time.sleep(config.IMPORT_BACKGROUND_WATCH_SECONDS)
        if os.getppid() != parent:
            os._exit(1)


def _sendable(error: BaseException) -> BaseException:
    """The error itself if it crosses to the parent unchanged, else one that says the same."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    except Exception:  # noqa: BLE001 - any pickling failure: send a stand-in
        pass
    return BackgroundReadError(f"{type(error).__name__}: {error}")


def child_main(task: dict[str, Any]) -> None:
    """The child: read the file and send each chunk, then the end or the error.

    Parameters
    ----------
    task : dict
        ``path``, ``options`` (for ``read_incidents``) and ``parent`` (its pid);
        the pipe to write to is the last command-line argument.
    """
    threading.Thread(target=_watch_parent, args=(task["parent"],), name="watch-parent", daemon=True).start()
    from borderwatch.importers import read_incidents

    # Everything imported so far lives as long as the process: keep the
    # collector from scanning it again and again while chunks are built.
    gc.freeze()
    with Connection(int(sys.argv[-1]), readable=False) as sender:
        try:
            try:
                for chunk in read_incidents(task["path"], **task["options"], background=False):
                    sender.send_bytes(_pack((_CHUNK, chunk)))
            except (BrokenPipeError, ConnectionResetError):
                return  # the parent stopped reading
            except Exception as error:  # noqa: BLE001 - every error goes to the parent
                if not isinstance(error, BorderWatchError):
                    # Not one of ours (a bug, a library's error): say where it came from.
                    error.add_note(f"(raised while reading in a child process:\n{traceback.format_exc().rstrip()})")
                sender.send_bytes(_pack((_ERROR, _sendable(error))))
            else:
                sender.send_bytes(_pack((_END, None)))
        except (BrokenPipeError, ConnectionResetError):
            return
