"""A long-lived child process that runs ``digest`` commands under watch.

The hostile tests need, for every input, the answers to questions only a
separate process can give honestly: did it stay up, how much memory did it
take at its peak, which files did it open or write, did it connect anywhere
but 127.0.0.1, did it start a program. Importing digest costs about two
seconds, so one worker serves a whole test session: the parent sends one
JSON command per line on stdin and reads one JSON answer per line.

For each command the worker

- resets the peak resident set size (``/proc/self/clear_refs``) and reads
  it back afterwards (``VmHWM``), so each answer has its own peak;
- records audit events (:func:`sys.addaudithook`): every ``open`` (with
  its mode/flags), file removal and renaming, socket connections and name
  lookups, process creation and ``webbrowser.open``;
- runs ``tui.cli.main(argv)`` with stdout/stderr captured, or a named
  function (``module:function``) with JSON arguments.

An address-space limit (RLIMIT_AS) is a safety net: a bomb that got
through turns into a MemoryError answer instead of eating the machine.
This file is not a test and pytest does not collect it.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import os
import re
import resource
import sys
import time
import traceback

ADDRESS_SPACE_LIMIT = int(os.environ.get("DIGEST_SANDBOX_AS_BYTES", str(3 << 30)))

_events: list[list[object]] = []
_recording = False
_MUTATING = frozenset(
    {
        "os.remove",
        "os.unlink",
        "os.rename",
        "os.replace",
        "os.rmdir",
        "os.truncate",
        "os.chmod",
        "os.symlink",
        "os.link",
        "shutil.rmtree",
        "shutil.move",
        "shutil.copyfile",
    }
)
_PROGRAMS = frozenset(
    {
        "subprocess.Popen",
        "os.system",
        "os.exec",
        "os.posix_spawn",
        "os.spawn",
        "os.startfile",
        "pty.spawn",
        "webbrowser.open",
    }
)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def _hook(event: str, args: tuple[object, ...]) -> None:
    if not _recording:
        return
    if event == "open":
        path, mode, flags = [*args, None, None, None][:3]
        if isinstance(path, int):
            return
        if isinstance(path, bytes):
            path = path.decode("utf-8", "replace")
        path = str(path)
        if path.endswith((".py", ".pyc", ".so")) and not (flags or 0) & _WRITE_FLAGS:
            return  # imports
        writes = bool((flags or 0) & _WRITE_FLAGS) or any(c in str(mode or "") for c in "wax+")
        _events.append(["open", path, "w" if writes else "r"])
    elif event in _MUTATING:
        _events.append([event, *(str(a) for a in args[:2])])
    elif event == "socket.connect":
        address = args[1]
        _events.append(["connect", str(address[0]) if isinstance(address, tuple) else str(address)])
    elif event == "socket.getaddrinfo":
        _events.append(["getaddrinfo", str(args[0])])
    elif event in _PROGRAMS or event.startswith(("os.exec", "os.spawn", "os.posix_spawn")):
        _events.append(["program", event, repr(args[:2])[:200]])
    elif event == "sqlite3.connect":
        _events.append(["sqlite", str(args[0])])


def _peak_kb() -> int:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmHWM:\s+(\d+)", status.read()).group(1))


def _rss_kb() -> int:
    with open("/proc/self/status") as status:
        return int(re.search(r"VmRSS:\s+(\d+)", status.read()).group(1))


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _run(command: dict[str, object]) -> dict[str, object]:
    global _recording
    out, err = io.StringIO(), io.StringIO()
    stdin = io.TextIOWrapper(io.BytesIO(str(command.get("stdin") or "").encode()), "utf-8")
    result: dict[str, object] = {"rc": None, "value": None, "error": None}
    _events.clear()
    _reset_peak()
    before = _rss_kb()
    started = time.monotonic()
    saved_stdin = sys.stdin
    sys.stdin = stdin
    _recording = True
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if command["op"] == "cli":
                from tui.cli import main

                try:
                    result["rc"] = main(list(command["argv"]))  # type: ignore[arg-type]
                except SystemExit as exit_:
                    result["rc"] = exit_.code if isinstance(exit_.code, int) else 2
            else:
                module, _, name = str(command["target"]).partition(":")
                function = getattr(importlib.import_module(module), name)
                result["value"] = function(*command.get("args", ()))  # type: ignore[arg-type]
    except BaseException as error:
        result["error"] = "".join(traceback.format_exception(error))[-4000:]
    finally:
        _recording = False
        sys.stdin = saved_stdin
    result.update(
        stdout=out.getvalue(),
        stderr=err.getvalue(),
        events=list(_events),
        peak_kb=_peak_kb(),
        rss_before_kb=before,
        seconds=time.monotonic() - started,
    )
    return result


def main() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_LIMIT, ADDRESS_SPACE_LIMIT))
    sys.addaudithook(_hook)
    # Import now what the commands import lazily, so that the first command's
    # peak memory is not the cost of importing digest.
    import bs4  # noqa: F401
    import fastfeedparser  # noqa: F401
    import feedparser  # noqa: F401
    import httpx  # noqa: F401
    import markdownify  # noqa: F401

    import tui.cli
    import tui.cli.feeds_cmd
    import tui.cli.figures_cmd
    import tui.cli.print_cmd
    import tui.cli.refresh_cmd
    import tui.core.figures
    import tui.core.parse
    import tui.core.refresh
    import tui.core.refresh_worker  # noqa: F401

    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    answers.write(json.dumps({"ready": True, "rss_kb": _rss_kb()}) + "\n")
    answers.flush()
    for line in sys.stdin:
        command = json.loads(line)
        if command.get("op") == "exit":
            break
        answers.write(json.dumps(_run(command), default=repr) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
