"""Save scenarios as readable YAML, atomically.

The file is written in the newest schema version with a stable key order (the order of the
schema's fields), block style, Unicode kept as is, and multi-line text such as a lesson's
description in ``|`` blocks. Members in ``members.listed`` and timeline events leave out
fields that equal their defaults, so a saved lesson stays short.

Comments are not kept: a scenario is read into a validated model and written back from that
model, so comments, key order of your own, blank lines, anchors/aliases and quoting style of
the original file are lost when the app (or ``save_scenario``) saves over it. Keep hand-written
notes in ``description`` or in caption ``text``, which are part of the scenario and survive.

Atomic: the text goes to a temporary file in the same folder (created with ``O_EXCL``), which
is flushed and fsync'ed and then renamed over the target with ``os.replace``; the folder is
fsync'ed afterwards where the OS allows. On any failure before the rename the temporary file
is removed and the old file is left byte-identical. A process killed between write and rename
cannot clean up after itself; the next save of the same file removes such a stale temporary
file (one whose writing process no longer exists).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from typing import Any

import yaml

from phoenix_gui.engine import SimulationConfig
from phoenix_gui.scenario import checks, migrations
from phoenix_gui.scenario.errors import ScenarioError
from phoenix_gui.scenario.loading import PathLike, scenario_from_config
from phoenix_gui.scenario.schema import MemberTemplate, Scenario
from phoenix_gui.scenario.yamlsafe import reads_as_non_text

_TMP_SUFFIX = ".tmp"
_STALE_AFTER_S = 3600.0  # where process ids cannot be checked, a temp file this old is stale


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes multi-line strings as literal blocks."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    if style is None and reads_as_non_text(value):
        style = "'"  # e.g. `1e3` or `0o7`: text to YAML 1.1 (PyYAML's dumper), not to our reader
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def scenario_data(scenario: Scenario) -> dict[str, Any]:
    """Plain data of ``scenario`` in file order, newest schema version."""
    data = scenario.model_dump(mode="json")
    data["schema_version"] = migrations.SCHEMA_VERSION
    members = data["members"]
    members["listed"] = [_trim_member(m) for m in members["listed"]]
    data["timeline"] = [_trim_event(e) for e in data["timeline"]]
    if data["experiment"] is None:
        del data["experiment"]  # optional section: a scenario without a sweep does not name it
    else:
        data["experiment"] = {k: v for k, v in data["experiment"].items() if v is not None}
    variants = {name: _trim_variant(v) for name, v in data.pop("variants").items()}
    if variants:  # written only when there are some, so older readers see the same file
        data["variants"] = variants
    compare = data.pop("compare")
    if compare is not None:
        data["compare"] = compare
    return data


def _trim_variant(variant: dict[str, Any]) -> dict[str, Any]:
    """A variant as written: only what it overrides, and its branch hour when not 0."""
    return {k: v for k, v in variant.items() if v is not None and not (k == "branch_at" and v == 0)}


def dump_scenario(scenario: Scenario) -> str:
    """The YAML text :func:`save_scenario` writes."""
    header = (
        f"# PhoenixFlight scenario (schema version {migrations.SCHEMA_VERSION}). "
        "Comments are not kept when the app saves this file.\n"
    )
    body = yaml.dump(
        scenario_data(scenario),
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=100,
    )
    return header + body


def save_scenario(
    path: PathLike, scenario: Scenario | SimulationConfig, *, name: str | None = None
) -> None:
    """Write ``scenario`` (or a configuration, saved as a scenario) to ``path`` atomically.

    Raises :class:`ScenarioError` naming ``path`` if the scenario is inconsistent or the file
    cannot be written; the previous file is then left as it was.
    """
    target = os.fspath(path)
    if isinstance(scenario, SimulationConfig):
        scenario = scenario_from_config(scenario, name=name)
    findings = checks.check(scenario)
    if findings:
        raise ScenarioError.single(target, "; ".join(m for _, m, _ in findings), path="(save)")
    text = dump_scenario(scenario)
    try:
        write_atomic(target, text.encode("utf-8"))
    except OSError as exc:
        raise ScenarioError.single(
            target, f"cannot save: {exc.strerror or exc}", path="(save)"
        ) from None


def write_atomic(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that readers see the old or the new file, never half."""
    folder = os.path.dirname(os.path.abspath(path))
    base = os.path.basename(path)
    remove_stale_temps(folder, base)
    tmp, fd = _create_temp(folder, base)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(OSError):  # keep the permissions of the file we replace
            os.chmod(tmp, os.stat(path).st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def remove_stale_temps(folder: str, base: str) -> list[str]:
    """Delete temporary files left by an earlier save of ``base`` that was killed; return them."""
    prefix = f".{base}."
    removed: list[str] = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for entry in names:
        if not (entry.startswith(prefix) and entry.endswith(_TMP_SUFFIX)):
            continue
        full = os.path.join(folder, entry)
        if _is_stale(full, entry[len(prefix) :]):
            with contextlib.suppress(OSError):
                os.unlink(full)
                removed.append(full)
    return removed


def _create_temp(folder: str, base: str) -> tuple[str, int]:
    # The name carries our pid so a later save can tell a live writer from a killed one.
    for _ in range(100):
        tmp = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}{_TMP_SUFFIX}")
        try:
            # 0o666 and the umask, as for any new file (mkstemp would make it 0o600).
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file in {folder}")


def _is_stale(full: str, middle: str) -> bool:
    pid_text = middle.split(".", 1)[0]
    if os.name == "posix" and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            return True  # ours, from an earlier save in this process that could not clean up
        try:
            os.kill(pid, 0)  # signal 0: only checks that the process exists
        except ProcessLookupError:
            return True
        except OSError:
            return False  # exists but belongs to someone else
        return False
    try:
        return time.time() - os.stat(full).st_mtime > _STALE_AFTER_S
    except OSError:
        return False


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); not possible on Windows, harmless to skip."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _trim_member(member: dict[str, Any]) -> dict[str, Any]:
    defaults = MemberTemplate().model_dump(mode="json")
    out = {"id": member["id"]}
    out.update({k: v for k, v in member.items() if k != "id" and v != defaults.get(k)})
    return out


def _trim_event(event: dict[str, Any]) -> dict[str, Any]:
    out = {"at": event["at"], "kind": event["kind"]}
    for key, value in event.items():
        if key in out:
            continue
        if key == "member" and isinstance(value, dict):
            out[key] = _trim_member(value)
        elif not _is_default(event["kind"], key, value):
            out[key] = value
    return out


# Timeline fields left out of a saved file when they hold their default.
_EVENT_DEFAULTS: dict[tuple[str, str], Any] = {
    ("burst", "count"): 1,
    ("burst", "leaves"): False,
    ("submit", "count"): 1,
    ("caption", "pause"): False,
    ("join", "member"): None,
}


def _is_default(kind: str, key: str, value: Any) -> bool:
    return (kind, key) in _EVENT_DEFAULTS and _EVENT_DEFAULTS[(kind, key)] == value
