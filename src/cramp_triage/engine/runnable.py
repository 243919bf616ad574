"""Proving a pack runnable before it runs: ``prove_runnable`` is called wherever a pack is made
ready to run (building a ``Triager``, starting a batch) and by ``rules lint``.

1. Every known limit of the engine is checked on the compiled pack (``limits.check``), each
   fault naming its rule.
2. What that cannot prove (the engine has faults nobody has found yet) is tried: the pack is
   compiled and run on a set of answers chosen from its own conditions, in a child process
   under a time limit, so a pack that makes the engine loop for ever in C (holding the GIL,
   deaf to Ctrl-C) costs the caller a timeout, never a frozen process. The child is forked when
   this process has one thread (about 30 ms), else a fresh interpreter (about half a second).
3. A pack that passed is remembered by the digest of what the engine is given (the ruleset
   definition and the facts its actions assert), in this process and in the cache folder
   (``cache.py``: ``$CRAMP_TRIAGE_CACHE``, else ``$XDG_CACHE_HOME/cramp-triage`` or
   ``~/.cache/cramp-triage``; ``CRAMP_TRIAGE_CACHE=off`` keeps nothing on disk), so the checks
   and the trial are paid once per pack, not on every start.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import select
import signal
import subprocess
import sys
import threading
import time
import warnings
from typing import Any

from .. import cache
from ..errors import EngineError, Problem, RulePackError
from ..facts import intake_facts
from ..intake import Intake
from ._durable import DURABLE_RULES, encode
from .compile import CompiledPack

TRIAL_SECONDS = float(os.environ.get("CRAMP_TRIAGE_TRIAL_SECONDS", "20"))  # a busy CI machine needs room
TRIAL_VERSION = 1  # part of each verdict's digest: raise it when the checks or the trial change
VERDICTS = "runnable"  # the verdicts' folder in the cache
_proven: set[str] = set()
_proven_lock = threading.Lock()


def prove_runnable(compiled: CompiledPack) -> None:
    """Raise ``RulePackError`` naming the rule unless the engine can run this pack."""
    pack = compiled.pack
    digest = _digest(compiled)
    # A verdict is kept only for a pack that passed the checks and the trial, and its digest
    # covers all they read (and TRIAL_VERSION, their code): a pack proved before is not checked
    # again, which saved every start the 5 ms of limits.check.
    if digest in _proven or cache.marked(VERDICTS, digest):
        _proven.add(digest)
        return
    from . import limits  # only for a pack not proved before

    problems = limits.check(compiled)
    if problems:
        raise RulePackError(f"rule pack {pack.name} goes past what the rule engine can run", problems,
                            path=str(pack.path))
    verdict = _trial(compiled)
    if verdict is not None:
        raise RulePackError(f"rule pack {pack.name} fails in the rule engine", [verdict], path=str(pack.path))
    with _proven_lock:
        _proven.add(digest)
    cache.mark(VERDICTS, digest)  # a cache that cannot be written only means the trial runs again


def _digest(compiled: CompiledPack) -> str:
    conclusions = {rule: list(c.conclusions) for rule, c in compiled.rules.items()}
    # In the order of their keys (kind, name; unique), not of their encodings: encoding each fact
    # to sort by it took 0.5 ms of every start.
    medicines = [fact for _, fact in sorted(compiled.pack.possible_facts.items())]
    text = encode([DURABLE_RULES, TRIAL_VERSION, conclusions, medicines])
    # The ruleset's text as the engine is given it (encoded once per compiled pack, kept for it).
    return hashlib.sha256(f"{text}\n{compiled.patterns_text}".encode("utf-8")).hexdigest()


# --- the trial ----------------------------------------------------------------------------------


def trial_intakes(compiled: CompiledPack) -> list[dict[str, Any]]:
    """Answers that reach every condition of the pack, in a dozen intakes: none; every field at
    once, at its i-th value for each i (so each value the rules tell apart appears); every field
    at its first value and at its last. (``rules verify`` runs the whole answer space.)"""
    from ..pack.answer_space import MEDICATIONS, known_values

    pack = compiled.pack
    fields = sorted({name for rule in pack.active_rules for p in rule.when for g in (p.negated or p).intake_groups()
                     for name in g} | {MEDICATIONS})
    domains = {name: values for name in fields if (values := known_values(pack, name))}
    widest = max((len(values) for values in domains.values()), default=0)
    intakes: list[dict[str, Any]] = [{}]
    intakes += [{name: values[i % len(values)] for name, values in domains.items()} for i in range(widest)]
    intakes += [{name: values[-1] for name, values in domains.items()},
                {name: values[0] for name, values in domains.items()}]
    return intakes


def _run_trial(compiled: CompiledPack) -> dict[str, Any]:
    """Build the pack's ruleset and run every trial intake through it (in the child)."""
    from .session import Engine

    engine = Engine(compiled)
    try:
        for answers in trial_intakes(compiled):
            facts = intake_facts(Intake.model_validate(answers), compiled.pack.reader)
            try:
                engine.evaluate(*Engine.encode(facts.base))
            except EngineError as error:
                rule = error.rule or _culprit(compiled, facts.base)
                return {"rule": rule, "message": f"{error} on the answers {json.dumps(answers)}"}
    finally:
        engine.close()
    return {}


def _culprit(compiled: CompiledPack, base: list[dict[str, Any]]) -> str | None:
    """The one rule that, alone in a ruleset, also fails on these facts; None if no single one does."""
    from dataclasses import replace

    from .session import Engine

    for rule_id, rule in compiled.rules.items():
        alone = replace(compiled, rules={rule_id: replace(rule, stage=None)}, gates={})
        engine = Engine(alone)
        try:
            engine.evaluate(*Engine.encode(base))
        except EngineError:
            return rule_id
        finally:
            engine.close()
    return None


def _trial(compiled: CompiledPack) -> Problem | None:
    """None if the trial passed; else the problem, naming the rule where it can."""
    forked = hasattr(os, "fork") and threading.active_count() == 1
    try:
        outcome = _in_fork(compiled) if forked else _in_interpreter(compiled)
    except TimeoutError:
        return Problem("rule pack", f"the rule engine did not finish running the pack within {TRIAL_SECONDS:.0f} s "
                       "(it loops for ever on some packs); `cramp-triage rules lint` lists the limits it checks")
    if "crashed" in outcome:
        return Problem("rule pack", f"the rule engine crashed running the pack ({outcome['crashed']})")
    if not outcome:
        return None
    rule = outcome.get("rule")
    where = f"{compiled.pack.file_of(rule)}: {rule}" if rule in compiled.rules else "rule pack"
    return Problem(where, str(outcome["message"]))


def _in_fork(compiled: CompiledPack) -> dict[str, Any]:
    read, write = os.pipe()
    with warnings.catch_warnings():
        # Python 3.12+ warns on a fork while the process has other OS threads (a Rust or BLAS
        # pool, say). No other Python thread runs (the caller checks), and the child runs only
        # this module's code on its own data, then leaves by os._exit.
        warnings.filterwarnings("ignore", r"This process .* is multi-threaded", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        code = 0
        try:
            os.close(read)
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends the trial with its parent
            outcome = _run_trial(compiled)
        except BaseException as error:  # noqa: BLE001 - reported to the parent, whatever it is
            outcome = {"message": f"{type(error).__name__}: {error}"}
        try:
            os.write(write, json.dumps(outcome).encode("utf-8"))
        except BaseException:  # noqa: BLE001
            code = 1
        os._exit(code)
    os.close(write)
    try:
        return _read_outcome(read, pid)
    finally:
        os.close(read)
        _reap(pid)


def _read_outcome(read: int, pid: int) -> dict[str, Any]:
    deadline = time.monotonic() + TRIAL_SECONDS
    chunks = []
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([read], [], [], left)
        if not ready:
            continue
        chunk = os.read(read, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return {"crashed": _status_text(os.waitstatus_to_exitcode(status))}
    return dict(json.loads(b"".join(chunks)))


def _reap(pid: int) -> None:
    """Make sure the child is gone (a timeout, or an interrupt while waiting for it)."""
    try:
        if os.waitpid(pid, os.WNOHANG) == (0, 0):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    except ChildProcessError:
        pass


def _status_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


def _in_interpreter(compiled: CompiledPack) -> dict[str, Any]:
    try:
        done = subprocess.run([sys.executable, "-m", __name__], input=pickle.dumps(compiled), capture_output=True,
                              timeout=TRIAL_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        raise TimeoutError from None
    if done.returncode != 0 or not done.stdout.strip():
        return {"crashed": _status_text(done.returncode)}
    return dict(json.loads(done.stdout))


if __name__ == "__main__":  # the trial in a fresh interpreter: the compiled pack comes on stdin
    sys.stdout.write(json.dumps(_run_trial(pickle.loads(sys.stdin.buffer.read()))))  # noqa: S301 - our parent's
