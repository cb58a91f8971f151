"""The search page's texts, one list for the school site and the portal.

`_hoso/search.js` draws the search box and its results from these texts (the page's
`data-text`, JSON): the label, the placeholder, the result lines ({count} and {query} are filled
by the script), the kinds of page and the statuses. The portal adds its own placeholder and the
kind "school".
"""

from __future__ import annotations

import json

from hoso.messages import t
from hoso.site.model import STATUSES
from hoso.site.search import KINDS


def search_texts(*, portal: bool = False) -> str:
    """The texts as the JSON the page carries (sorted keys: the same bytes every build)."""
    kinds = {kind: t(key) for kind, key in KINDS.items()}
    if portal:
        kinds["school"] = t("portal.col.school")
    texts = {
        "label": t("site.nav.search"),
        "placeholder": t("portal.search-placeholder" if portal else "site.search-placeholder"),
        # templates: search.js fills {count} and {query}
        "results": t("site.search-results", count="{count}", query="{query}"),
        "none": t("site.search-none", query="{query}"),
        "phrase": t("site.search-phrase", query="{query}"),
        "words": t("site.search-words"),
        "more": t("site.search-more"),
        "kinds": kinds,
        "statuses": {s: t("site.status." + s) for s in STATUSES},
    }
    return json.dumps(texts, ensure_ascii=False, sort_keys=True)
