"""Site model → `index.json`, the machine-readable index a Sở- or commune-level portal reads.

The schema is versioned (`schema_version`) and shipped as JSON Schema (`index.schema.json`, copied
next to `index.json`); docs/index-json.md documents every field. A new optional field keeps the
version; removing or changing the meaning of a field raises it.

The public build holds no confidential record: only their counts per year and type; and no
missing or not-yet-due slot of a confidential type (hoso.timeliness.Timeliness.withhold).
"""

from __future__ import annotations

from typing import Any

from hoso.site.model import Record, Site
from hoso.site.search import record_url

# 2: deadlines and timeliness (records[].timeliness, missing, counts[year].timeliness,
# record_types[].deadline)
SCHEMA_VERSION = 2
SCHEMA_FILE = "index.schema.json"


def build(site: Site) -> dict[str, Any]:
    school = site.config.catalog.school
    timely = site.timeliness
    return {
        "$schema": SCHEMA_FILE,
        "schema_version": SCHEMA_VERSION,
        "generator": "hoso",
        "audience": site.audience,
        "commit": site.commit,
        "commit_date": site.commit_date,
        "school": {
            "name": school.name,
            "code": school.code,
            "level": school.level,
            "province": school.province,
            "commune": school.commune,
            "authority": school.authority,
        },
        "record_types": [
            {
                "id": rt.id,
                "name": rt.name,
                "owner": rt.owner,
                "period": rt.period,
                "confidential": rt.confidential,
                "basis": rt.basis,
                "retention": {
                    "keep": rt.retention.keep,
                    "source": rt.retention.source,
                    "confirmed": rt.retention.confirmed,
                },
                "deadline": rt.deadline.model_dump(exclude_none=True) if rt.deadline else None,
            }
            for rt in site.types()
        ],
        "counts": {
            year: {
                "by_status": site.by_status(r for r in site.records if r.loc.year == year),
                "confidential_hidden": sum(n for (y, _), n in site.hidden.items() if y == year),
                "timeliness": timely.year_counts(year) if timely else None,
            }
            for year in sorted(set(site.years) | set(timely.years if timely else []), reverse=True)
        },
        "today": timely.today.isoformat() if timely else None,
        "missing": [slot.as_json() for slot in timely.missing] if timely else [],
        "confidential_counts": [
            {"year": year, "type": type_id, "count": count}
            for (year, type_id), count in sorted(site.hidden.items())
        ],
        # optional, added within version 2: a portal reads the locks instead of inferring them
        "locks": [
            {"year": lock.year, "types": list(lock.types), "since": lock.since.isoformat()}
            for lock in site.config.locks.locks
        ],
        "records": [_record(r) for r in site.records],
    }


def _record(r: Record) -> dict[str, Any]:
    return {
        "path": r.path,
        "blob": r.oid,
        "size": r.size,
        "pages": r.pages,
        "year": r.loc.year,
        "type": r.rt.id,
        "owner": {"level": r.loc.owner_level, "id": r.loc.owner_id, "name": r.owner_name},
        "title": r.title,
        "status": r.status,
        "missing_signers": r.missing,
        "signature_status": r.file_status,
        "signers": [
            {
                "name": s.person_name or s.signer,
                "certificate_name": s.signer,
                "person": s.person,
                "roles": s.roles,
                "capacity": s.capacity,
                "capacity_name": s.capacity_label or None,
                "kind": s.kind,
                "time": s.time,
                "time_source": s.time_source,
                "status": s.status,
                "fingerprint": s.fingerprint,
            }
            for s in r.signatures
        ],
        "dates": {
            "first_committed": r.history[0].date if r.history else None,
            "last_event": r.history[-1].date if r.history else None,
            "signed": r.signed_on,
        },
        "events": [{"date": h.date, "kind": h.kind, "commit": h.commit or None} for h in r.history],
        "retention": {
            "keep_until": r.keep_until.isoformat() if r.keep_until else None,
            "permanent": r.retention == "vinh-vien",
            "event": r.rt.retention.keep if r.retention == "su-kien" else None,
            "source": r.rt.retention.source,
            "confirmed": r.rt.retention.confirmed,
        },
        "timeliness": r.timeliness.as_json() if r.timeliness else None,
        "url": record_url(r),
        "download": r.file,
    }
