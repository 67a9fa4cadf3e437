"""`phoenix-flight ring`: place members and tasks on the MD5 token ring, optionally join/leave one.

    phoenix-flight ring --members a,b,c --vnodes V (--task-count N | --tasks x,y,z)
                        [--join M | --leave M] [--json]

Tasks from ``--task-count N`` are ``task-0`` … ``task-{N-1}``. The output reflects the ring after
the join or leave; the moved tasks come from the changed arcs only (engine/ring.py), and their
share is shown next to the ideal 1/(N+1) for a join into N members, 1/N for a leave from N.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from phoenix_gui.cli.common import emit, emit_json, param_value
from phoenix_gui.cli.errors import CliError
from phoenix_gui.engine import (
    TIE_RULE,
    TOKEN_SPACE,
    HashRing,
    RingChange,
    TokenIndex,
    effective_vnodes,
    ideal_overhead,
    moved_tasks,
    tokens_of,
    vnode_saturation,
)
from phoenix_gui.params import PARAMS

_SHOW_MOVES = 20  # moved tasks listed in the readable output before "… and K more"
_SHOW_OWNERS = 50  # explicit --tasks listed with their owner up to this many


def register(subparsers: Any) -> None:
    vnodes = PARAMS["vnodes"]
    tasks = PARAMS["tasks"]
    parser = subparsers.add_parser(
        "ring",
        help="route tasks on the MD5 token ring; show load and what a join or leave moves",
        description="Place members (V virtual nodes each) and tasks on the token ring "
        "(token = MD5 mod 10000), show per-member positions and load, and with --join or "
        "--leave the tasks that move and their share against the ideal. "
        f"{TIE_RULE}",
    )
    parser.add_argument(
        "--members", required=True, metavar="A,B,C", help="comma-separated member ids"
    )
    parser.add_argument(
        "--vnodes",
        default=None,
        metavar="V",
        help=f"{vnodes.help}; int in [{vnodes.minimum:g}, {vnodes.maximum:g}] "
        f"(default {vnodes.default:g})",
    )
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--task-count",
        metavar="N",
        help=f"route tasks task-0 … task-(N-1); N in [{tasks.minimum:g}, {tasks.maximum:g}]",
    )
    which.add_argument("--tasks", metavar="X,Y,Z", help="comma-separated task ids to route")
    change = parser.add_mutually_exclusive_group()
    change.add_argument("--join", metavar="M", help="then join member M and show what moves")
    change.add_argument("--leave", metavar="M", help="then remove member M and show what moves")
    parser.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: owners, load, and with --join/--leave moved, "
        "moved_fraction, ideal_fraction",
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    members = _id_list(args.members, "--members", "member")
    vnodes = int(param_value(PARAMS["vnodes"], args.vnodes))
    if args.tasks is not None:
        task_ids = _id_list(args.tasks, "--tasks", "task")
    else:
        count = int(param_value(PARAMS["tasks"], args.task_count, "--task-count"))
        task_ids = [f"task-{i}" for i in range(count)]
    if args.join is not None:
        _check_join(args.join, members)
    if args.leave is not None:
        _check_leave(args.leave, members)

    ring = HashRing.from_members(members, vnodes)
    tokens = tokens_of(task_ids)
    change: RingChange | None = None
    moved: dict[str, list[str]] = {}
    if args.join is not None or args.leave is not None:
        index = TokenIndex()
        index.add(np.arange(len(task_ids)), tokens)
        change = ring.add(args.join) if args.join is not None else ring.remove(args.leave)
        ids, src, dst = moved_tasks(change, index)
        moved = {
            task_ids[i]: [ring.name_of(s), ring.name_of(d)]
            for i, s, d in zip(ids.tolist(), src.tolist(), dst.tolist(), strict=True)
        }
    owners_idx = ring.route_tokens(tokens).tolist()
    owners = {t: ring.name_of(o) for t, o in zip(task_ids, owners_idx, strict=True)}
    load = ring.load(tokens)

    result: dict[str, Any] = {
        "members": list(ring.members),
        "vnodes": vnodes,
        # Distinct positions really held, mean per member (exact, from the ring).
        "effective_vnodes": round(effective_vnodes(ring), 4),
        "saturation": vnode_saturation(len(ring), vnodes, effective_vnodes(ring)),
        "positions": {
            m: {
                "vnodes": ring.vnode_count(m),
                "distinct_positions": ring.distinct_positions(m),
                "owned_positions": ring.owned_positions(m),
            }
            for m in ring.members
        },
        "owners": owners,
        "load": load,
    }
    if change is not None:
        result["moved"] = moved
        result["moved_fraction"] = round(len(moved) / len(task_ids), 6) if task_ids else 0.0
        result["ideal_fraction"] = round(ideal_overhead(len(members), change.kind), 6)
    if args.json:
        emit_json(result)
    else:
        _print_table(ring, result, change, task_ids, explicit=args.tasks is not None)
    return 0


def _print_table(
    ring: HashRing,
    result: dict[str, Any],
    change: RingChange | None,
    task_ids: list[str],
    explicit: bool,
) -> None:
    n, vnodes = len(ring), result["vnodes"]
    after = f" (after {change.kind} of {change.member})" if change else ""
    emit(f"Token ring: {n} members × {vnodes} vnodes, {len(task_ids)} tasks{after}")
    emit(
        f"Effective vnodes per member (distinct positions really held, mean): "
        f"{result['effective_vnodes']:g} of {vnodes}"
    )
    if result["saturation"] is not None:
        emit(result["saturation"])
    width = max(6, *(len(m) for m in ring.members))
    emit(
        f"{'member':<{width}}  {'vnodes':>6}  {'distinct':>8}  {'owned':>5}  {'share':>7}  "
        f"{'load':>8}"
    )
    for m in ring.members:
        pos = result["positions"][m]
        share = 100.0 * pos["owned_positions"] / TOKEN_SPACE
        emit(
            f"{m:<{width}}  {pos['vnodes']:>6}  {pos['distinct_positions']:>8}  "
            f"{pos['owned_positions']:>5}  {share:>6.2f}%  {result['load'][m]:>8}"
        )
    emit("(distinct: positions where the member's vnode wins the tie-break; owned: positions")
    emit(" of the 10000 that route to it; share = owned / 10000)")
    if explicit:
        for task in task_ids[:_SHOW_OWNERS]:
            emit(f"  {task} → {result['owners'][task]}")
        if len(task_ids) > _SHOW_OWNERS:
            emit(f"  … and {len(task_ids) - _SHOW_OWNERS} more")
    if change is not None:
        moved: dict[str, list[str]] = result["moved"]
        rule = "1/(N+1)" if change.kind == "join" else "1/N"
        emit(
            f"{change.kind.capitalize()} of {change.member}: {len(moved)} of {len(task_ids)} "
            f"tasks moved ({100 * result['moved_fraction']:.2f} %); "
            f"ideal {rule} = {100 * result['ideal_fraction']:.2f} %"
        )
        for task, (src, dst) in list(moved.items())[:_SHOW_MOVES]:
            emit(f"  {task}: {src} → {dst}")
        if len(moved) > _SHOW_MOVES:
            emit(f"  … and {len(moved) - _SHOW_MOVES} more")


def _id_list(text: str, flag: str, what: str) -> list[str]:
    if not text.strip():
        raise CliError(f"{flag}: give at least one {what} id")
    ids = [part.strip() for part in text.split(",")]
    seen: set[str] = set()
    for item in ids:
        if not item:
            raise CliError(f"{flag}: empty {what} id in {text!r}")
        if item in seen:
            raise CliError(f"{flag}: duplicate {what} id {item!r}")
        seen.add(item)
    return ids


def _check_join(member: str, members: list[str]) -> None:
    if not member.strip():
        raise CliError("--join: give a member id")
    if member in members:
        raise CliError(f"--join: member {member!r} is already on the ring")


def _check_leave(member: str, members: list[str]) -> None:
    if member not in members:
        raise CliError(f"--leave: member {member!r} is not one of --members")
    if len(members) == 1:
        raise CliError(f"--leave: {member!r} is the only member; no one would own the tasks")
