"""Policy keys and merges: the store side of one identity per policy (see payerwatch/identity.py).

``policy_keys`` maps every key the crawler ever used for a policy (``<source id>/<number or url>``, and
the ids of archives made before keys existed) to the policy's id, so ids never change once given.
"""

from __future__ import annotations

import sqlalchemy as sa

from store import schema
from store.base import ArchiveBase

SEEN = ("new_version", "unchanged", "not_modified", "superseded")


class IdentityMixin(ArchiveBase):
    def resolve_policy_id(self, key_or_id: str) -> str | None:
        """The id of the policy named by a policy id or by any key it was ever found under."""
        with self.engine.connect() as conn:
            found = conn.execute(
                sa.select(schema.policies.c.id).where(schema.policies.c.id == key_or_id)
            ).scalar_one_or_none()
            if found is None:
                found = conn.execute(
                    sa.select(schema.policy_keys.c.policy_id).where(schema.policy_keys.c["key"] == key_or_id)
                ).scalar_one_or_none()
        return found

    def policy_keys_of(self, policy_id: str) -> list[str]:
        with self.engine.connect() as conn:
            q = sa.select(schema.policy_keys.c["key"]).where(schema.policy_keys.c.policy_id == policy_id)
            return sorted(conn.execute(q).scalars())

    def run_of_version(self, version_id: int) -> int | None:
        """The crawl run whose fetch created this version (None for versions added outside a crawl)."""
        v, f = schema.versions, schema.fetches
        q = (
            sa.select(f.c.run_id)
            .join(v, sa.and_(v.c.policy_id == f.c.policy_id, v.c.sha256 == f.c.sha256))
            .where(v.c.id == version_id, f.c.outcome == "new_version")
            .order_by(f.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            return conn.execute(q).scalar_one_or_none()

    def policy_numbers(self, source_id: str, exclude: str | None = None) -> list[tuple[str, str]]:
        """(policy id, number) for every number a policy of the source was crawled under or printed.

        The caller compares them (``payerwatch.identity.number_key`` drops version letters, years and
        revision counters, which SQL cannot do portably); one query per call.
        """
        p, v = schema.policies, schema.versions
        crawled = sa.select(p.c.id, p.c.policy_number).where(
            p.c.source_id == source_id, p.c.policy_number.is_not(None)
        )
        printed = (
            sa.select(v.c.policy_id, v.c.policy_number)
            .join(p, p.c.id == v.c.policy_id)
            .where(p.c.source_id == source_id, v.c.policy_number.is_not(None))
        )
        q = sa.union(crawled, printed)
        with self.engine.connect() as conn:
            return [(r[0], r[1]) for r in conn.execute(q) if r[0] != exclude]

    def listed_in_run(self, policy_id: str, run_id: int) -> bool:
        """Did an index of the run lead to the policy (a good fetch that was not a recheck)?"""
        f = schema.fetches
        q = sa.select(f.c.id).where(
            f.c.run_id == run_id, f.c.policy_id == policy_id, f.c.outcome.in_(SEEN), f.c.recheck.is_(False)
        )
        with self.engine.connect() as conn:
            return conn.execute(q.limit(1)).first() is not None

    def merge_policy(self, from_id: str, into_id: str) -> None:
        """Make ``from_id``'s versions, fetches, changes and keys ``into_id``'s, then drop ``from_id``.

        Its versions follow ``into_id``'s in ``seq``; the surviving policy takes the newer URL and title.
        One transaction: a crash leaves either two policies or one, never half of each.
        """
        p, v = schema.policies, schema.versions
        with self.engine.begin() as conn:
            src = conn.execute(sa.select(p).where(p.c.id == from_id)).one()
            dst = conn.execute(sa.select(p).where(p.c.id == into_id)).one()
            top = conn.execute(sa.select(sa.func.max(v.c.seq)).where(v.c.policy_id == into_id)).scalar() or 0
            ids = list(
                conn.execute(sa.select(v.c.id).where(v.c.policy_id == from_id).order_by(v.c.seq)).scalars()
            )
            for n, vid in enumerate(ids, 1):
                conn.execute(v.update().where(v.c.id == vid).values(policy_id=into_id, seq=top + n))
            for table in (schema.fetches, schema.changes):
                conn.execute(table.update().where(table.c.policy_id == from_id).values(policy_id=into_id))
            conn.execute(
                schema.policy_keys.update()
                .where(schema.policy_keys.c.policy_id == from_id)
                .values(policy_id=into_id)
            )
            newer = src.last_seen >= dst.last_seen
            conn.execute(
                p.update()
                .where(p.c.id == into_id)
                .values(
                    url=src.url if newer else dst.url,
                    title=(src.title or dst.title) if newer else dst.title,
                    policy_number=dst.policy_number or src.policy_number,
                    last_seen=max(src.last_seen, dst.last_seen),
                    first_seen=min(src.first_seen, dst.first_seen),
                )
            )
            conn.execute(p.delete().where(p.c.id == from_id))
