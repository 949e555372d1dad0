"""The aid-allocation engine: which needs the pools fund, and from which pools.

A pure function over plain data (no database, no Flask), with a JSON command line::

    python -m donations.allocation [--time-limit SECONDS] < in.json > out.json

In::

    {"pools": [{"id", "balance_fen", "categories": [..] | null, "towns": [..] | null}],
     "needs": [{"id", "amount_fen", "category", "town", "priority"}]}

``null`` means no restriction (the key must be present); ``amount_fen`` is the
still-unfunded amount, a whole number of fen > 0; ``balance_fen`` >= 0;
``priority`` a finite number >= 0 (int or float); ids are integers or strings,
unique per list, returned exactly as given. Out::

    {"funded": [{"need_id", "sources": [{"pool_id", "amount_fen"}]}],
     "unfunded": [{"need_id", "reason", "code"}],
     "objective", "optimal", "bound"}

Promises. A need is funded fully or not at all, only from pools that admit its
category and town; a pool never gives more than its balance; each source is a
positive whole number of fen and a need's sources add up to its ``amount_fen``
exactly. ``objective`` is the sum of the funded needs' priorities (an int when
all priorities are ints); ``bound`` is a proven upper bound on the best possible
objective; ``optimal`` is true when the objective is proven best (then
``bound == objective``; with fractional priorities, to HiGHS's 1e-6 tolerance).
Funded and unfunded needs keep the input order; the same input gives the same
output unless the time limit cuts the search short. Restricted pools pay before
general ones.

Formulation. Needs that admit exactly the same pools form an eligibility class.
A set of needs can be paid iff the class totals can: flows are a transportation
problem, and any split of a class's flow among its needs works. So the MILP is::

    max  sum_i p_i x_i
    s.t. sum_{j in P(c)} z_cj >= sum_{i in c} a_i x_i    for each class c
         sum_{c : j in P(c)} z_cj <= b_j                 for each pool j
         x_i in {0, 1},  0 <= z_cj <= b_j

solved by HiGHS (``scipy.optimize.milp``; its presolve is off, as it can stall
for seconds on one long knapsack row). Up to 1,000 needs in the MILP (county
scale: well under a second) HiGHS must close the gap completely; above that it
stops at a 0.05% relative gap, so the result is reached by the same steps on
any machine and is >= 99.95% of HiGHS's bound. Either way the time limit is only a
safety net; if it cuts the search, the answer is still valid, but may differ
between runs. ``bound`` is the lower of HiGHS's dual bound and a fractional
knapsack bound (all pools as one), rounded down when all priorities are ints;
like ``optimal``, it holds up to HiGHS's float tolerances (about 1e-6).
Needs that cannot be paid even alone, and priority-0 needs, stay out of the MILP.

The solver's continuous flows are only a starting point: the engine rounds them
down and places the last fen with an exact integer max-flow (class -> pool ->
sink, Python ints), so the answer is feasible by construction, never by
tolerance, and is checked once more (``verify.py``) before it is returned. Then
every need still unfunded is tried in priority order, rerouting earlier flows if
that makes room (one failed attempt's minimum cut rules out every class behind
it): this funds priority-0 needs from money nobody else can use and recovers
part of what the 0.05% gap leaves. While the gap is open, the same exact pass
run greedily by priority per fen is tried too, and the better answer kept; it is
also the answer if the MILP finds nothing in time. If the whole demand fits,
everything is funded without a search. (Amounts and balances far apart in
size, over about 1e9 times, exceed HiGHS's float precision; the exact flow then
catches the solver's mistake, repairs it and reports ``optimal: false``.)

The command line gives the search what is left of a 4-second budget after
start-up (importing scipy takes ~0.4 s), keeping 0.6 s for checking and writing
the answer; ``--time-limit`` overrides it. Its stdout is only the JSON answer
(HiGHS's occasional diagnostics go to stderr).

Modules: ``problem`` (input validation), ``solve`` (the MILP), ``flow`` and
``pool_flows`` (exact integer flows), ``engine`` (``allocate``), ``report``
(reasons, splitting class flows into per-need sources), ``verify`` (the
independent check). Seeded problems for tests and benchmarks are in
``bench/allocation_instances.py``.

Reasons, one per unfunded need, with a machine ``code``:

- ``no_eligible_pool``: no pool admits its category and town.
- ``insufficient_funds``: the pools that admit it hold less than its amount in
  total, even before anything else is funded.
- ``outranked``: it would fit alone, but not next to the funded needs. When the
  allocation is proven optimal the reason says that funding it would displace
  needs whose priorities add up to at least its own (true of any swap, by
  optimality); otherwise it says only that the money is taken by needs already
  funded. Priority-0 needs say that they come last.

Errors. Invalid input raises :class:`AllocationInputError` (a ``ValueError``)
naming the first bad field. The command line then writes ``{"error": "..."}`` to
stderr and exits with status 2 (also for malformed JSON); no traceback.
"""

from donations.allocation.engine import allocate
from donations.allocation.problem import AllocationInputError
from donations.allocation.report import (
    INSUFFICIENT_FUNDS,
    NO_ELIGIBLE_POOL,
    OUTRANKED,
    Allocation,
)

__all__ = [
    "INSUFFICIENT_FUNDS",
    "NO_ELIGIBLE_POOL",
    "OUTRANKED",
    "Allocation",
    "AllocationInputError",
    "allocate",
]
