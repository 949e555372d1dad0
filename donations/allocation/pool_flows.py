"""Integer money flows from pools to eligibility classes, kept exactly feasible.

Every fen the engine promises is a unit of flow in a :class:`FlowNetwork`
(class node -> pool node -> sink, the pool -> sink edge capped by the balance),
so a funded set is feasible by construction, and adding a need reroutes earlier
flows when that is what it takes.
"""

from __future__ import annotations

from collections.abc import Sequence

from donations.allocation.flow import FlowNetwork


class PoolLedger:
    """Class ``c`` may draw on ``class_pools[c]``, in that order of preference."""

    def __init__(self, class_pools: Sequence[Sequence[int]], balances_fen: Sequence[int]) -> None:
        class_count = len(class_pools)
        self.network = FlowNetwork(class_count + len(balances_fen) + 1)
        self.sink = class_count + len(balances_fen)
        self.to_sink = [
            self.network.add_edge(class_count + j, self.sink, balance)
            for j, balance in enumerate(balances_fen)
        ]
        self.class_edges = [
            [(j, self.network.add_edge(c, class_count + j, balances_fen[j])) for j in pools]
            for c, pools in enumerate(class_pools)
        ]
        self.leftover_fen = sum(balances_fen)
        self._first, self._pools = class_count, len(balances_fen)  # pool j is node _first + j

    def left_in(self, pool: int) -> int:
        return self.network.residual[self.to_sink[pool]]

    def seed(self, c: int, position: int, amount_fen: int) -> int:
        """Put up to ``amount_fen`` on the class's ``position``-th pool; return what fitted."""
        pool, edge = self.class_edges[c][position]
        amount = min(amount_fen, self.left_in(pool))
        if amount > 0:
            self.network.push(edge, amount)
            self.network.push(self.to_sink[pool], amount)
            self.leftover_fen -= amount
        return max(amount, 0)

    def fund_direct(self, c: int, amount_fen: int) -> bool:
        """Fund ``amount_fen`` more for class ``c`` from what its own pools have left, if enough."""
        if sum(self.left_in(j) for j, _ in self.class_edges[c]) < amount_fen:
            return False
        remaining = amount_fen
        for position in range(len(self.class_edges[c])):
            remaining -= self.seed(c, position, remaining)
            if remaining == 0:
                break
        return True

    def fund(self, c: int, amount_fen: int) -> tuple[int, list[int]]:
        """Fund ``amount_fen`` more for class ``c`` if it fits, rerouting if needed.

        Returns ``(amount_fen, [])`` on success. Otherwise changes nothing and
        returns ``(most, blocked)``: ``most`` < ``amount_fen`` bounds what class
        ``c``, and every class in ``blocked``, could get now.
        """
        if self.fund_direct(c, amount_fen):
            return amount_fen, []
        # Rerouting can only reach pools connected through current flows.
        reached = self.network.reachable_from(c, self.sink)
        reachable = sum(self.left_in(j) for j in range(self._pools) if reached[self._first + j])
        if reachable < amount_fen:
            return reachable, self._classes_in(reached)
        saved = self.network.residual[:]
        got, cut = self.network.max_flow(c, self.sink, amount_fen)
        if got < amount_fen:
            self.network.residual[:] = saved
            return got, self._classes_in(cut)
        self.leftover_fen -= amount_fen
        return amount_fen, []

    def _classes_in(self, nodes: list[bool]) -> list[int]:
        return [c for c in range(self._first) if nodes[c]]

    def live_classes(self) -> list[bool]:
        """Classes that could still receive something (possibly by rerouting)."""
        return self.network.reaching(self.sink)

    def class_flows(self, c: int) -> list[tuple[int, int]]:
        """(pool, fen) that class ``c`` currently draws, in its order of preference."""
        flows = [(j, self.network.flow(edge)) for j, edge in self.class_edges[c]]
        return [(j, amount) for j, amount in flows if amount > 0]
