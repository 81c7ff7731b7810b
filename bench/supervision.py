"""Dynamic evaluation at 1×, 10× and 100× of a small district (the same districts as
bench/responsibility.py: up to 300 units and 5,000 tasks).

Prints the server time and query count of the leader's dashboard and the unit
ranking, and the time of one snapshot (taken in one transaction).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

from bench import responsibility as common  # noqa: E402  (sets up the environment first)


def main():
    url = common.setup_database()
    from django.db import connection
    from django.test import Client

    from shuangyong.supervision.evaluation import take_snapshot

    print(f"database: {connection.vendor}; runs per page: {common.RUNS}; median server time")
    print(
        f"{'scale':>6} {'units':>6} {'tasks':>7} | {'dashboard ms (q)':>17} {'ranking ms (q)':>16} "
        f"{'snapshot ms':>12}"
    )
    baseline = None
    for scale in common.SCALES:
        campaign, _liaison, office = common.build(scale)
        client = Client()
        client.force_login(office)
        pages = [
            common.measure(client, f"/supervision/campaigns/{campaign.pk}/dashboard/"),
            common.measure(client, f"/supervision/campaigns/{campaign.pk}/ranking/"),
        ]
        start = time.perf_counter()
        take_snapshot(campaign)
        snapshot_ms = (time.perf_counter() - start) * 1000
        figures = [*pages, (snapshot_ms, 0)]
        baseline = baseline or figures
        cells = " ".join(
            f"{ms:8.1f} ×{ms / base[0]:4.1f} ({q})"
            for (ms, q), base in zip(figures[:2], baseline[:2], strict=True)
        )
        print(
            f"{scale:>5}× {common.BASE['units'] * scale:>6} {common.BASE['tasks'] * scale:>7} | "
            f"{cells} {snapshot_ms:8.1f} ×{snapshot_ms / baseline[2][0]:4.1f}"
        )
    if url.startswith("postgres"):
        connection.close()


if __name__ == "__main__":
    main()
