"""``--format json``: the report's data as built, for other tools and for archiving."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ihltag.report.model import ReportData


def render_json(data: ReportData) -> str:
    """Keys keep the build order, so ``notice`` (confidential sources) comes first when set;
    ``provenance`` says where the report comes from."""
    out: dict[str, Any] = {"notice": data["notice"],
                           **{k: v for k, v in data.items() if k != "notice"}}
    if out["notice"] is None:
        del out["notice"]
    return json.dumps(out, ensure_ascii=False, indent=2) + "\n"
