"""The worker side of the refresh's process pool (:mod:`tui.core.refresh_pool`),
and the framing both sides use on the pipes between them.

A worker is a plain ``python -c`` child: the pool writes it the parent's
``sys.path`` (read by the bootstrap, before anything of ``tui`` can be
imported), then an initializer, then jobs. Each message is one pickle,
preceded by its length as 8 bytes, big-endian. A job is ``(function, args,
kwargs)``; its answer is ``(True, result, None)`` or ``(False, exception,
traceback text)``. One job at a time: the pool sends the next only once
it has the answer to the last.

The worker reads its requests from a copy of its stdin and answers on a
copy of its stdout, then points descriptors 0 and 1 elsewhere, so that a
library that prints (or reads) cannot corrupt the conversation. It
ignores SIGINT (Ctrl-C in the terminal reaches the whole process group;
the refreshing process decides what stops), and it exits when its stdin
reaches end of file: when the pool shuts it down, and when the refreshing
process dies, however it dies, so a worker never outlives it.

This module is imported by the refreshing process too (for the framing),
so it imports nothing beyond the standard library's basics.
"""

from __future__ import annotations

import os
import pickle
import signal
import struct
import traceback
from typing import BinaryIO

HEADER = struct.Struct("!Q")
PROTOCOL = pickle.HIGHEST_PROTOCOL


def bootstrap_code() -> str:
    """The ``-c`` program a worker starts with. It cannot import ``tui``
    before it has the parent's ``sys.path`` (the parent may run from a
    source tree, under pytest, or as an installed entry point), so it reads
    that first, with unbuffered reads of exactly the first message's bytes
    (a buffered reader could swallow part of the next one)."""
    return (
        "import os, pickle, signal, struct, sys\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "def take(size):\n"
        "    data = b''\n"
        "    while len(data) < size:\n"
        "        chunk = os.read(0, size - len(data))\n"
        "        if not chunk:\n"
        "            sys.exit(0)\n"
        "        data += chunk\n"
        "    return data\n"
        "sys.path[:] = pickle.loads(take(struct.unpack('!Q', take(8))[0]))\n"
        f"from {__name__} import serve\n"
        "serve()\n"
    )


def write_message(stream: BinaryIO, payload: bytes) -> None:
    """Write one framed message to an unbuffered *stream*, all of it (a raw
    write may take only part of a large buffer)."""
    write_all(stream, HEADER.pack(len(payload)))
    write_all(stream, payload)


def write_all(stream: BinaryIO, data: bytes) -> None:
    """Write every byte of *data*: raw pipes take what fits."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if written is None:  # a non-blocking pipe that is full; ours block
            continue
        view = view[written:]


def read_message(stream: BinaryIO) -> bytearray | None:
    """Read one framed message from an unbuffered *stream*; None at end of
    file (the other side closed the pipe or died)."""
    header = read_exactly(stream, HEADER.size)
    if header is None:
        return None
    (size,) = HEADER.unpack(header)
    return read_exactly(stream, size)


def read_exactly(stream: BinaryIO, size: int) -> bytearray | None:
    """*size* bytes read straight into one buffer (a feed body can be
    megabytes: no joining of chunks); None if the pipe ends first."""
    buffer = bytearray(size)
    view = memoryview(buffer)
    got = 0
    while got < size:
        count = stream.readinto(view[got:])  # type: ignore[attr-defined]
        if not count:
            return None
        got += count
    return buffer


class RemoteTraceback(Exception):
    """The worker's traceback of a job's exception, set as its ``__cause__``
    in the refreshing process (a pickled exception loses its traceback)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text

    def __str__(self) -> str:
        return self.text


def answer(ok: bool, value: object, trace: str | None) -> bytes:
    """The pickled answer to a job. A result that does not pickle becomes
    the pickling error; an exception that does not survive pickling (an
    attribute that does not pickle, an ``__init__`` that unpickling cannot
    call) becomes a RuntimeError with its repr, so the job still fails
    with something that says what happened."""
    try:
        payload = pickle.dumps((ok, value, trace), protocol=PROTOCOL)
        if not ok:
            pickle.loads(payload)
        return payload
    except Exception as error:
        if ok:
            problem: BaseException = error
            trace = f"the result of the job could not be pickled: {error!r}"
        else:
            problem = RuntimeError(repr(value))
        try:
            return pickle.dumps((False, problem, trace), protocol=PROTOCOL)
        except Exception:
            return pickle.dumps((False, RuntimeError(repr(problem)), trace), protocol=PROTOCOL)


def run_job(function: object, args: tuple, kwargs: dict) -> bytes:
    """Run one job and pickle its answer. Any exception is the job's
    answer: the worker itself carries on."""
    try:
        result = function(*args, **kwargs)  # type: ignore[operator]
    except BaseException as error:
        return answer(False, error, traceback.format_exc())
    return answer(True, result, None)


def serve() -> None:
    """The worker's life after the bootstrap: take the initializer, run it,
    then answer jobs until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    requests = os.fdopen(os.dup(0), "rb", buffering=0)
    replies = os.fdopen(os.dup(1), "wb", buffering=0)
    nothing = os.open(os.devnull, os.O_RDONLY)
    os.dup2(nothing, 0)
    os.close(nothing)
    os.dup2(2, 1)  # stray prints go where the worker's errors go
    first = read_message(requests)
    if first is None:
        return
    initializer = pickle.loads(first)
    if initializer is not None:
        initializer()  # a failure ends the worker: the pool reports it broken
    while True:
        request = read_message(requests)
        if request is None:
            return  # the pool closed our stdin, or the refreshing process died
        try:
            function, args, kwargs = pickle.loads(request)
        except BaseException as error:  # e.g. its module does not import here
            reply = answer(False, error, traceback.format_exc())
        else:
            del request  # the pickled arguments: the job needs only their objects
            reply = run_job(function, args, kwargs)
            del function, args, kwargs
        try:
            write_message(replies, reply)
        except OSError:  # nobody reads our answers any more
            return
        del reply
