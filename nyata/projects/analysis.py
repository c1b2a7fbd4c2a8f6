"""Pure analysis of strategic projects: deviation status, delay propagation, cycles.

No ORM here: callers pass plain numbers and integer node indices, so the same code
serves the pages, the API and the 10,000-item benchmark.

Deviation (domain.md §9 and A5, "kontrak kritis"): deviation = actual − planned, in
percentage points. A project is *critical* when it is behind by more than 10 points
while the plan is ≤ 70 % (period I), by more than 5 points while the plan is > 70 %
(period II), or behind by any amount in period II when completion will run past the
fiscal year. "More than" is strict: exactly 10 (or 5) points behind is not critical.
Behind by any smaller amount is *late*; not behind is *on track*.

Delay propagation: items (milestones) form a DAG whose edges run from the upstream
item to the item that depends on it. For every late item the downstream set is every
item reachable from it that is not yet done; its harm is the number of those owned
by agencies other than the late item's owner. Descendant sets are Python-int bitsets
built in one pass in reverse topological order, so 10,000 items and 30,000 links take
a fraction of a second.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

PERIOD_I_LIMIT = Decimal(70)
PERIOD_I_TOLERANCE = Decimal(10)
PERIOD_II_TOLERANCE = Decimal(5)

Number = Decimal | float | int


class DeviationStatus(enum.StrEnum):
    ON_TRACK = "on_track"
    LATE = "late"
    CRITICAL = "critical"

    @property
    def label(self) -> str:
        return {"on_track": "Sesuai rencana", "late": "Terlambat", "critical": "Kritis"}[self.value]


def _dec(x: Number) -> Decimal:
    return x if isinstance(x, Decimal) else Decimal(str(x))


def deviation(planned: Number, actual: Number) -> Decimal:
    """Actual − planned, in percentage points (negative: behind plan)."""
    return _dec(actual) - _dec(planned)


def deviation_status(
    planned: Number, actual: Number, *, runs_past_fiscal_year: bool = False
) -> DeviationStatus:
    """Status of one reporting period by the critical-contract rule."""
    p = _dec(planned)
    behind = p - _dec(actual)
    if behind <= 0:
        return DeviationStatus.ON_TRACK
    if p <= PERIOD_I_LIMIT:
        critical = behind > PERIOD_I_TOLERANCE
    else:
        critical = behind > PERIOD_II_TOLERANCE or runs_past_fiscal_year
    return DeviationStatus.CRITICAL if critical else DeviationStatus.LATE


# --- graphs -----------------------------------------------------------------------------------


class CycleError(ValueError):
    """The links form a cycle; `cycle` lists the node indices in order (first = last)."""

    def __init__(self, cycle: list[int]) -> None:
        super().__init__(f"cycle: {' -> '.join(map(str, cycle))}")
        self.cycle = cycle


def _adjacency(n: int, edges: Iterable[tuple[int, int]]) -> list[list[int]]:
    adj: list[list[int]] = [[] for _ in range(n)]
    for u, v in edges:
        adj[u].append(v)
    return adj


def topological_order(n: int, adj: Sequence[Sequence[int]]) -> list[int]:
    """Kahn's algorithm; raises CycleError naming one cycle when there is one."""
    indeg = [0] * n
    for targets in adj:
        for v in targets:
            indeg[v] += 1
    queue = deque(i for i in range(n) if indeg[i] == 0)
    order: list[int] = []
    while queue:
        u = queue.popleft()
        order.append(u)
        for v in adj[u]:
            indeg[v] -= 1
            if indeg[v] == 0:
                queue.append(v)
    if len(order) < n:
        raise CycleError(_find_cycle(adj, {i for i in range(n) if indeg[i] > 0}))
    return order


def _find_cycle(adj: Sequence[Sequence[int]], candidates: set[int]) -> list[int]:
    """One cycle among nodes Kahn could not order (each of them has a predecessor there)."""
    # Walk backwards would need reverse edges; walk forwards inside the leftover set instead:
    # every leftover node lies on or leads to a cycle, so following leftover successors must
    # revisit a node.
    start = min(candidates)
    seen: dict[int, int] = {}
    path: list[int] = []
    node = start
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(v for v in adj[node] if v in candidates)
    cycle = path[seen[node]:]
    return [*cycle, node]


def find_path(adj: Sequence[Sequence[int]], source: int, target: int) -> list[int] | None:
    """A shortest path source → target (BFS), or None."""
    if source == target:
        return [source]
    parent = {source: source}
    queue = deque([source])
    while queue:
        u = queue.popleft()
        for v in adj[u]:
            if v not in parent:
                parent[v] = u
                if v == target:
                    path = [v]
                    while path[-1] != source:
                        path.append(parent[path[-1]])
                    return path[::-1]
                queue.append(v)
    return None


def cycle_if_added(n: int, edges: Iterable[tuple[int, int]], new: tuple[int, int]) -> list[int] | None:
    """The cycle that adding edge `new` (upstream, downstream) would close, or None."""
    up, down = new
    path = find_path(_adjacency(n, edges), down, up)
    return None if path is None else [up, *path]


@dataclass
class Propagation:
    """Result of `propagate`: bitsets, decoded on demand."""

    owners: Sequence[int]
    late: list[int]
    at_risk: dict[int, int]  # late item -> bitset of downstream items not done
    harm: dict[int, int]  # late item -> number of downstream items of other agencies
    agency_harm: dict[int, int]  # agency -> distinct downstream items of other agencies
    agency_victims: dict[int, set[int]]  # agency -> other agencies harmed

    def downstream(self, item: int) -> list[int]:
        return bits_to_list(self.at_risk.get(item, 0))

    def ranking(self) -> list[tuple[int, int, int]]:
        """(agency, harm, number of agencies harmed), most harmful first; ties by agency id."""
        rows = [(a, h, len(self.agency_victims.get(a, ()))) for a, h in self.agency_harm.items()]
        return sorted(rows, key=lambda r: (-r[1], -r[2], r[0]))


def bits_to_list(bits: int) -> list[int]:
    """Indices of the set bits, ascending."""
    if bits.bit_count() > 64:
        raw = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
        return np.flatnonzero(np.unpackbits(raw, bitorder="little")).tolist()
    out = []
    while bits:
        low = bits & -bits
        out.append(low.bit_length() - 1)
        bits ^= low
    return out


def propagate(
    owners: Sequence[int],
    edges: Iterable[tuple[int, int]],
    late: Iterable[int],
    done: Iterable[int] = (),
) -> Propagation:
    """Delay propagation over the item DAG.

    owners[i] is the agency of item i; edges are (upstream, downstream) index pairs;
    `late` and `done` are item indices. Raises CycleError on a cycle.
    """
    n = len(owners)
    adj = _adjacency(n, edges)
    order = topological_order(n, adj)
    desc = [0] * n
    for u in reversed(order):
        acc = 0
        for v in adj[u]:
            acc |= desc[v] | (1 << v)
        desc[u] = acc
    open_mask = (1 << n) - 1
    for d in done:
        open_mask &= ~(1 << d)
    agency_mask: dict[int, int] = {}
    for i, a in enumerate(owners):
        agency_mask[a] = agency_mask.get(a, 0) | (1 << i)
    late_list = sorted(set(late))
    at_risk: dict[int, int] = {}
    harm: dict[int, int] = {}
    union: dict[int, int] = {}
    for i in late_list:
        risk = desc[i] & open_mask
        at_risk[i] = risk
        others = risk & ~agency_mask[owners[i]]
        harm[i] = others.bit_count()
        union[owners[i]] = union.get(owners[i], 0) | others
    agency_harm = {a: bits.bit_count() for a, bits in union.items()}
    victims = {
        a: {b for b, m in agency_mask.items() if b != a and m & bits}
        for a, bits in union.items()
    }
    return Propagation(owners, late_list, at_risk, harm, agency_harm, victims)
