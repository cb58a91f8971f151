"""Page templates shared by the school site and the portal: sandboxed Jinja with a time budget.

Pages are Markdown written by Jinja templates (`*.md.j2`): the built-in ones live in
`src/hoso/data/templates/` — `shared/` (macros both use), `site/` (a school's site) and
`portal/` (an authority's portal). A school (folder `site_templates/` of its repository) or an
authority (schools.yml `templates:`) replaces a built-in template by a file of the same name.

Whoever writes an override is not trusted with the build machine. The package, by what each
module holds:
- `overrides`: reading and refusing an override folder (only names among the built-in ones,
  regular files, no symlink, at most MAX_TEMPLATE_BYTES each), and the templates' digest;
- `sandbox`: Jinja's immutable sandbox (no attribute starting with "_", no file, no import, no
  change to the data given), its time budget, and the refusal of values that would be huge;
- `render`: the `Renderer` of one kind's templates, its filters (every value HTML-escaped on
  output unless a filter marked it as page source), `href` and the raw HTML blocks.
Here: where the built-in templates are, and the error every part raises.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from hoso.errors import ExitCode, HosoError

SUFFIX = ".md.j2"
SHARED = "shared"


class TemplateError(HosoError):
    exit_code = ExitCode.CONFIG


def error_key(kind: str, name: str) -> str:
    """The message key of an error of `kind`'s templates: site.template-…, portal.template-…"""
    return f"{kind}.template-{name}"


def builtin_folder(kind: str) -> Path:
    """The built-in templates of `kind` ("site", "portal" or "shared")."""
    return Path(str(resources.files("hoso") / "data" / "templates" / kind))


def builtin_names(kind: str) -> list[str]:
    """Template names a `kind`'s override folder may hold: its own and the shared ones."""
    return sorted(
        p.name for folder in (builtin_folder(kind), builtin_folder(SHARED)) for p in folder.glob("*" + SUFFIX)
    )
