"""The wing's demo data, seeded after the ground floor's (people, offices, staff)."""

from __future__ import annotations

from core.users import User


def seed_demo(admin: User) -> None:
    """Partners, bases with placements and hours, employers with openings and referrals."""
    from jobs_bases.bases.demo import seed_bases
    from jobs_bases.jobs.demo import seed_jobs
    from jobs_bases.partners.demo import seed_partners
    from jobs_bases.training.demo import seed_training

    seed_partners(admin)
    seed_bases(admin)
    seed_jobs(admin)
    seed_training(admin)
