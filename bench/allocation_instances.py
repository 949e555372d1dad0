"""Seeded random allocation problems for tests and benchmarks (not used at runtime)."""

from __future__ import annotations

import math
import random
from typing import Any

ProblemJson = dict[str, list[dict[str, Any]]]  # the command line's input, decoded

CATEGORIES = (
    "living", "medical", "education", "housing", "employment",
    "legal", "transport", "training", "childcare", "emergency",
)  # fmt: skip
KAIPING_TOWNS = (
    "changsha", "sanbu", "yueshan", "shuikou", "shatang", "cangcheng", "longsheng", "dasha",
    "magang", "tangkou", "chikan", "baihe", "xiangang", "jinji", "chishui",
)  # fmt: skip


def _amount_fen(rng: random.Random, low_yuan: int, high_yuan: int) -> int:
    """Log-uniform, in whole yuan: many small needs, a few large ones."""
    yuan = math.exp(rng.uniform(math.log(low_yuan), math.log(high_yuan)))
    return round(yuan) * 100


def random_problem(
    seed: int,
    *,
    needs: int,
    pools: int,
    categories: int,
    towns: int,
    funded_share: float,
) -> ProblemJson:
    """A problem whose pools hold about ``funded_share`` of the total need.

    Pools mix general money with money restricted by category, by town or both;
    amounts are ¥200-¥20,000 and priorities 1-100.
    """
    rng = random.Random(seed)
    category_names = list(CATEGORIES[:categories]) + [
        f"category-{k}" for k in range(len(CATEGORIES), categories)
    ]
    town_names = list(KAIPING_TOWNS[:towns]) + [
        f"town-{k}" for k in range(len(KAIPING_TOWNS), towns)
    ]
    need_list: list[dict[str, Any]] = [
        {
            "id": k + 1,
            "amount_fen": _amount_fen(rng, 200, 20_000),
            "category": rng.choice(category_names),
            "town": rng.choice(town_names),
            "priority": rng.randint(1, 100),
        }
        for k in range(needs)
    ]
    total_fen = sum(need["amount_fen"] for need in need_list)
    weights = [rng.uniform(0.2, 1.0) for _ in range(pools)]
    pool_list: list[dict[str, Any]] = []
    for j in range(pools):
        kind = j % 4  # general, by category, by town, by both
        by_category = kind in (1, 3)
        by_town = kind in (2, 3)
        share = funded_share * weights[j] / sum(weights)
        pool_list.append(
            {
                "id": f"pool-{j + 1:02d}",
                "balance_fen": int(total_fen * share) // 100 * 100,
                "categories": sorted(rng.sample(category_names, rng.randint(1, 3)))
                if by_category
                else None,
                "towns": sorted(rng.sample(town_names, rng.randint(1, max(1, towns // 4))))
                if by_town
                else None,
            }
        )
    return {"pools": pool_list, "needs": need_list}


def county_problem(seed: int) -> ProblemJson:
    """About what one county bureau allocates at once: 300 needs, 10 pools."""
    return random_problem(seed, needs=300, pools=10, categories=8, towns=15, funded_share=0.45)


def province_problem(seed: int) -> ProblemJson:
    """Province scale: 5,000 needs, 50 pools, 10 categories, 60 towns."""
    return random_problem(seed, needs=5_000, pools=50, categories=10, towns=60, funded_share=0.45)
