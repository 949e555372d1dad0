"""Exact integer max-flow (Dinic) on a small residual network.

The allocation engine keeps one network — class nodes, pool nodes and a sink —
and pushes each funded need's amount from its class node to the sink. Python
integers, so no fen is ever rounded and balances of any size fit.
"""

from __future__ import annotations

from collections import deque


class FlowNetwork:
    """A residual network; edge ``e`` and its reverse ``e ^ 1`` are stored side by side."""

    def __init__(self, node_count: int) -> None:
        self.node_count = node_count
        self._adjacent: list[list[int]] = [[] for _ in range(node_count)]
        self._head: list[int] = []
        self.residual: list[int] = []

    def add_edge(self, tail: int, head: int, capacity: int) -> int:
        """Add ``tail -> head`` and return its index; its flow is ``flow(index)``."""
        index = len(self._head)
        self._head += [head, tail]
        self.residual += [capacity, 0]
        self._adjacent[tail].append(index)
        self._adjacent[head].append(index + 1)
        return index

    def flow(self, edge: int) -> int:
        return self.residual[edge ^ 1]

    def push(self, edge: int, amount: int) -> None:
        """Send ``amount`` along one edge (the caller checked it fits)."""
        self.residual[edge] -= amount
        self.residual[edge ^ 1] += amount

    def reachable_from(self, source: int, sink: int) -> list[bool]:
        """Which nodes ``source`` can still send something to, not passing ``sink``."""
        reached = [False] * self.node_count
        reached[source] = True
        queue = deque([source])
        head, residual, adjacent = self._head, self.residual, self._adjacent
        while queue:
            node = queue.popleft()
            if node == sink:
                continue
            for edge in adjacent[node]:
                nxt = head[edge]
                if residual[edge] > 0 and not reached[nxt]:
                    reached[nxt] = True
                    queue.append(nxt)
        return reached

    def reaching(self, target: int) -> list[bool]:
        """Which nodes can still send something to ``target``."""
        reached = [False] * self.node_count
        reached[target] = True
        queue = deque([target])
        head, residual, adjacent = self._head, self.residual, self._adjacent
        while queue:
            node = queue.popleft()
            for edge in adjacent[node]:
                tail = head[edge]  # the edge tail -> node is edge ^ 1
                if residual[edge ^ 1] > 0 and not reached[tail]:
                    reached[tail] = True
                    queue.append(tail)
        return reached

    def max_flow(self, source: int, sink: int, limit: int) -> tuple[int, list[bool]]:
        """Send as much as possible, at most ``limit``, from ``source`` to ``sink``.

        Returns the amount sent and, when it is less than ``limit``, the source
        side of a minimum cut: every node on it can send at most that amount
        more to ``sink`` (before this call's flow is taken back or not).
        """
        total = 0
        while total < limit:
            level = self._levels(source, sink)
            if level[sink] < 0:
                return total, [depth >= 0 for depth in level]
            total += self._blocking_flow(source, sink, limit - total, level)
        return total, []

    def _levels(self, source: int, sink: int) -> list[int]:
        level = [-1] * self.node_count
        level[source] = 0
        queue = deque([source])
        head, residual, adjacent = self._head, self.residual, self._adjacent
        while queue:
            node = queue.popleft()
            if node == sink:
                continue  # nothing beyond the sink is useful
            for edge in adjacent[node]:
                nxt = head[edge]
                if residual[edge] > 0 and level[nxt] < 0:
                    level[nxt] = level[node] + 1
                    queue.append(nxt)
        return level

    def _blocking_flow(self, source: int, sink: int, limit: int, level: list[int]) -> int:
        head, residual, adjacent = self._head, self.residual, self._adjacent
        cursor = [0] * self.node_count
        total = 0
        path: list[int] = []
        node = source
        while total < limit:
            if node == sink:
                amount = min(limit - total, *(residual[edge] for edge in path))
                for edge in path:
                    residual[edge] -= amount
                    residual[edge ^ 1] += amount
                total += amount
                path.clear()
                node = source
                continue
            edges = adjacent[node]
            k = cursor[node]
            while k < len(edges):
                edge = edges[k]
                if residual[edge] > 0 and level[head[edge]] == level[node] + 1:
                    break
                k += 1
            cursor[node] = k
            if k < len(edges):
                path.append(edges[k])
                node = head[edges[k]]
            elif path:  # dead end: never enter this node again in this phase
                level[node] = -1
                node = head[path.pop() ^ 1]
                cursor[node] += 1
            else:
                break
        return total
