"""Whose pool money each allocation spent: first in, first out. A pure engine over the
pool's moves in ledger order; no database.

Money reaches a pool as lots, each belonging to one gift and dated by the ledger
entry that brought it. An allocation spends the oldest lots first, so a gift is
never said to have paid for an allocation made before the gift reached the pool,
and the shares of an allocation add up to the allocation. A refund takes back its
own gift's lots, newest first. When a closed need gives an allocation back, the
shares it spent return to the pool as the lots they came from, with their old
dates: the money is as old as it was, and is spent first again. What no allocation
has spent is still in the pool.

Books kept before these rules may hold a refund larger than its gift's lots, or a
pool move that no gift explains: the rest of such a refund comes from the newest
lots, and money of no gift is spent like any other lot but attributed to nobody.
"""

from __future__ import annotations

import enum
from collections import deque
from dataclasses import dataclass, field


class MoveKind(enum.Enum):
    GIFT = "gift"  # a gift's money reaches the pool (paid, or its closed need's money)
    ALLOCATION = "allocation"  # the pool funds a need
    REFUND = "refund"  # a gift's money leaves the pool back to its donor
    RETURN = "return"  # a closed need gives the pool's allocations back


@dataclass(frozen=True)
class PoolMove:
    seq: int  # the ledger's order (the entry's id)
    kind: MoveKind
    amount_fen: int
    donation_id: str | None = None  # GIFT and REFUND
    listing_id: str | None = None  # ALLOCATION and RETURN


@dataclass(frozen=True)
class Share:
    """Part of one allocation paid with one gift's money."""

    donation_id: str
    allocation_seq: int
    listing_id: str
    amount_fen: int
    reached_pool_seq: int  # when that money reached the pool


@dataclass
class Attribution:
    shares: list[Share] = field(default_factory=list)
    in_pool: dict[str, int] = field(default_factory=dict)  # donation id -> fen unspent
    by_gift: dict[str, dict[str, int]] = field(default_factory=dict)  # -> listing id -> fen

    def of(self, donation_id: str) -> list[tuple[str, int]]:
        """(listing id, fen) of one gift, by need, in the order the needs were funded."""
        return list(self.by_gift.get(donation_id, {}).items())


@dataclass
class _Lot:
    seq: int
    donation_id: str | None
    amount_fen: int


@dataclass
class _Spent:
    lot: _Lot  # where the money came from (its amount is what is left of it there)
    allocation_seq: int
    listing_id: str
    amount_fen: int


class _Pool:
    def __init__(self) -> None:
        self.lots: deque[_Lot] = deque()  # oldest first
        self.spent: list[_Spent] = []

    def put(self, seq: int, donation_id: str | None, amount_fen: int) -> None:
        """Money reaches the pool, dated `seq`: usually the newest, so it goes last."""
        if not self.lots or self.lots[-1].seq < seq:
            self.lots.append(_Lot(seq, donation_id, amount_fen))
            return
        # Money given back keeps its date and goes back among the lots by age.
        for at, lot in enumerate(self.lots):
            if lot.seq == seq and lot.donation_id == donation_id:
                lot.amount_fen += amount_fen
                return
            if lot.seq > seq:
                self.lots.insert(at, _Lot(seq, donation_id, amount_fen))
                return
        self.lots.append(_Lot(seq, donation_id, amount_fen))

    def allocate(self, move: PoolMove) -> None:
        left = move.amount_fen
        while left > 0 and self.lots:
            lot = self.lots[0]
            part = min(left, lot.amount_fen)
            self.spent.append(_Spent(lot, move.seq, move.listing_id or "", part))
            lot.amount_fen -= part
            left -= part
            if lot.amount_fen == 0:
                self.lots.popleft()

    def refund(self, donation_id: str | None, amount_fen: int) -> None:
        left = amount_fen
        own = [
            lot for lot in self.lots if donation_id is not None and lot.donation_id == donation_id
        ]
        for lot in [*reversed(own), *reversed(self.lots)]:
            part = min(left, lot.amount_fen)
            lot.amount_fen -= part
            left -= part
            if left == 0:
                break
        self.lots = deque(lot for lot in self.lots if lot.amount_fen > 0)

    def give_back(self, move: PoolMove) -> None:
        left = move.amount_fen
        for part in reversed(self.spent):
            if left == 0:
                break
            if part.listing_id != move.listing_id or part.amount_fen == 0:
                continue
            back = min(left, part.amount_fen)
            part.amount_fen -= back
            left -= back
            self.put(part.lot.seq, part.lot.donation_id, back)
        if left:
            self.put(move.seq, None, left)  # more than the pool gave: money of no gift


def attribute(moves: list[PoolMove]) -> Attribution:
    """Replay the pool's moves and say whose money each allocation spent."""
    pool = _Pool()
    for move in sorted(moves, key=lambda m: m.seq):
        if move.kind is MoveKind.GIFT:
            pool.put(move.seq, move.donation_id, move.amount_fen)
        elif move.kind is MoveKind.ALLOCATION:
            pool.allocate(move)
        elif move.kind is MoveKind.REFUND:
            pool.refund(move.donation_id, move.amount_fen)
        else:
            pool.give_back(move)
    result = Attribution()
    for part in pool.spent:
        donation_id = part.lot.donation_id
        if donation_id is None or part.amount_fen == 0:
            continue
        result.shares.append(
            Share(donation_id, part.allocation_seq, part.listing_id, part.amount_fen, part.lot.seq)
        )
        by_need = result.by_gift.setdefault(donation_id, {})
        by_need[part.listing_id] = by_need.get(part.listing_id, 0) + part.amount_fen
    for lot in pool.lots:
        if lot.donation_id is not None:
            result.in_pool[lot.donation_id] = (
                result.in_pool.get(lot.donation_id, 0) + lot.amount_fen
            )
    return result
