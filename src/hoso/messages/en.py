"""English, with HOSO_LANG=en."""

MESSAGES: dict[str, str] = {
    "cli.description": (
        "hoso — a school's official records as digitally signed PDFs in a Git repository,\n"
        "checked automatically, approved through pull requests, published for inspectors."
    ),
    "cli.epilog": (
        "Exit codes: 0 valid · 1 failed · 2 usage · 3 configuration · 4 misplaced / bad name\n"
        "· 5 bad PDF format · 6 unsigned · 7 signature invalid · 8 untrusted · 9 history rule\n"
        "· 10 not found · 11 record exists · 70 internal error. Messages are Vietnamese unless HOSO_LANG=en."
    ),
    "cli.commands-title": "commands",
    "cli.metavar-command": "COMMAND",
    "cli.metavar-dir": "DIR",
    "cli.metavar-path": "PATH",
    "cli.metavar-file": "FILE",
    "cli.metavar-type": "TYPE",
    "cli.metavar-owner": "OWNER",
    "cli.metavar-title": "TITLE",
    "cli.metavar-level": "LEVEL",
    "cli.opt-repo": "the records repository (default: the git repository of the current folder)",
    "cli.opt-format": "output format: text (default) or json",
    "cli.opt-version": "show the version and exit",
    "cli.error-label": "error",
    "cli.see-help": "See: {prog} --help",
    "cli.interrupted": "Stopped on request. Nothing was left half-written.",
    "cli.internal-error": (
        "hoso {version} hit an internal error (not caused by your data). No record was changed. "
        "Please send the log file below to your technical contact."
    ),
    "cli.crash-log": "Details written to: {path}",
    "cli.check.help": "check records against the catalog (placement, format, hygiene)",
    "cli.check.description": (
        "Check files under records/: placed as catalog.yml says, real PDFs, no stray files.\n"
        "One line per problem: path: rule id: what is wrong — what to do."
    ),
    "cli.check.paths": "files or folders to check (as they are on disk)",
    "cli.check.staged": "check the staged versions (git add); used by pre-commit",
    "cli.check.all": "check every record in the repository",
    "cli.check.summary": "also print a summary table by school year and owner level",
    "cli.check.no-cache": "do not use the .hoso/ cache",
    "cli.add.help": "place a PDF at its right path under records/ (never overwrites)",
    "cli.add.description": (
        "Copy FILE to records/<year>/<owner>/<type>/<name>.pdf, the name made from --title\n"
        "(Vietnamese diacritics removed), checked before copying, and git add the new file."
    ),
    "cli.add.file": "the PDF file to add",
    "cli.add.type": "record type id from catalog.yml, e.g. ke-hoach-bai-day",
    "cli.add.owner": "teacher id (people.yml) or group id, depending on the record type",
    "cli.add.year": "school year, e.g. 2024-2025 (default: the current school year)",
    "cli.add.title": "the record's title in Vietnamese, used for the file name",
    "cli.add.no-stage": "do not git add the new file",
    "cli.init.help": "create a school's records repository (catalog per Article 21 of the school charter)",
    "cli.init.description": (
        "Write catalog.yml, people.yml, locks.yml, trust/, .pre-commit-config.yaml, mkdocs.yml and\n"
        ".gitignore. Existing files are kept as they are."
    ),
    "cli.init.dir": "repository folder (default: the current folder)",
    "cli.init.level": "school level: thcs, thpt, nhieu-cap, tieu-hoc or mam-non",
    "cli.init.name": 'school name, e.g. "Trường THCS Hòa Bình"',
    "cli.validate-config.help": "check catalog.yml, people.yml, locks.yml",
    "cli.validate-config.description": (
        "Check the structure of and references between catalog.yml, people.yml and locks.yml,\n"
        "with line numbers."
    ),
    "config.error-label": "error",
    "config.warning-label": "warning",
    "config.invalid": "The configuration is invalid.",
    "config.fix-first": "Fix the configuration above and run again (check it with: hoso validate-config).",
    "config.missing-file": "file not found — create it with: hoso init --level thcs (or tieu-hoc, mam-non)",
    "config.not-utf8": "the file is not UTF-8 — save it again with UTF-8 encoding",
    "config.yaml-syntax": "YAML syntax error ({detail}) — check indentation, colons and quotes",
    "config.not-mapping": "the file must be a mapping of key: value — see the template hoso init writes",
    "config.missing": "required key '{field}' is missing — add it",
    "config.pattern": "'{field}' has value '{value}' of the wrong form — see the template hoso init writes",
    "config.choice": "'{field}' has invalid value '{value}' — choose one of: {choices}",
    "config.int": "'{field}' must be a whole number, not '{value}'",
    "config.number": "'{field}' must be a number, not '{value}'",
    "config.bool": "'{field}' must be true or false, not '{value}'",
    "config.date": "'{field}' must be a date written YYYY-MM-DD, e.g. 2024-09-05; not '{value}'",
    "config.string": "'{field}' must be text, not '{value}'",
    "config.empty": "'{field}' must not be empty",
    "config.too-long": "'{field}' is too long",
    "config.list": "'{field}' must be a list (each item starting with '- ')",
    "config.mapping": "'{field}' must be a mapping of key: value",
    "config.list-empty": "'{field}' needs at least one item",
    "config.range": "'{field}' = '{value}' is out of the allowed range ({limit})",
    "config.invalid-value": "'{field}' has an invalid value '{value}'",
    "config.hint-slug": "'{field}' = '{value}' must be lowercase ASCII words joined by hyphens, e.g. nguyen-van-an",
    "config.hint-year": "'{field}' = '{value}' must be a school year YYYY-YYYY of consecutive years, e.g. 2024-2025",
    "config.hint-fingerprint": (
        "'{field}' = '{value}' must be the certificate's SHA-256 fingerprint (64 hex digits, ':' allowed)"
    ),
    "config.unknown-key": "unknown key '{key}' in '{where}' is ignored — check its spelling",
    "config.retention": "retention '{value}' is invalid — write a number of years (e.g. 5), vinh-vien or tra-hoc-sinh",
    "config.unknown-signer": "signer '{value}' does not exist — choose one of: {choices}",
    "config.duplicate-id": "id '{value}' is used twice — each id must be unique",
    "config.unknown-role": "role '{value}' does not exist — choose one of: {choices}",
    "config.unknown-group": "group '{value}' is not declared under groups — add it or fix the id",
    "config.role-needs-group": "role '{role}' needs its group (group: group-id)",
    "config.dates-order": "the end date (until) is before the start date (from) — fix the dates",
    "config.cert-shared": "this certificate is already declared for '{other}' — a certificate belongs to one person",
    "config.seal-missing": (
        "the catalog requires the school seal (con-dau) but people.yml has no seal entry — add seal with "
        "the fingerprint of the school's certificate"
    ),
    "config.unknown-type": "record type '{value}' is not in catalog.yml",
    "config.unknown-person": "person '{value}' is not in people.yml",
    "git.not-installed": "git was not found — install Git and run again",
    "git.failed": "{command} failed: {detail}",
    "git.missing-object": "the repository lacks the content of {path} ({oid}) — run git fsck",
    "check.usage-all": "--all does not go with --staged or a list of paths",
    "check.usage-nothing": "nothing to check — give paths, --staged or --all",
    "check.staged-needs-git": "--staged works only inside a git repository",
    "check.not-found": "'{path}' not found",
    "check.outside-repo": "'{path}' is outside the records repository — use hoso add to bring it in",
    "check.ok": "Checked {count} files: all valid.",
    "check.failed": "Checked {count} files: {bad} with problems ({problems} problems).",
    "summary.title": "Records summary — {school}",
    "summary.year": "Year",
    "summary.owner": "Level",
    "summary.records": "Records",
    "summary.ok": "Valid",
    "summary.bad": "Problems",
    "summary.unplaced": "Misplaced",
    "summary.total": "Total",
    "owner.truong": "School",
    "owner.to": "Group",
    "owner.giao-vien": "Teacher",
    "validate.ok": "Configuration valid: {types} record types, {people} people, {locks} locks.",
    "validate.failed": "The configuration has {count} errors.",
    "add.source-missing": "file '{path}' not found",
    "add.unknown-type": "record type '{value}' is not in catalog.yml — choose one of: {choices}",
    "add.bad-year": "school year '{value}' is malformed — write YYYY-YYYY, e.g. 2024-2025",
    "add.owner-needed": "type '{type}' needs --owner: a teacher id or group id from people.yml",
    "add.empty-slug": "cannot make a file name from '{value}' — give --title with words",
    "add.refused": "'{path}' was not added: fix the problems above and run again.",
    "add.exists": (
        "a record already exists at {path}; hoso never overwrites — choose another --title, or add "
        "signatures to the existing record"
    ),
    "add.stage-failed": "the file was copied but git add {path} failed — run git add yourself",
    "add.done": "Added: {path}. Next step: git commit",
    "init.bad-level": "school level '{value}' is invalid — choose one of: {choices}",
    "init.catalog-header": (
        "The school's catalog of records (level {level}), written by hoso init.\n"
        "Record types per Article 21 of the school charter; retention values with confirmed: false\n"
        "were not checked against the legal text (Circular 08/2025/TT-BGDĐT): check before relying on them.\n"
        "Check this file with: hoso validate-config"
    ),
    "init.site-index": "# School records\n\nThis site is published for supervising authorities and inspectors.\n",
    "init.kept": "kept (exists): {path}",
    "init.wrote": "wrote: {path}",
    "init.git-init": "created a new git repository",
    "init.next-steps": (
        "Next: fill in the school in catalog.yml and the staff in people.yml, run\n"
        "hoso validate-config, then pre-commit install to check every commit."
    ),
    # --- trust --------------------------------------------------------------------------------
    "cli.metavar-action": "ACTION",
    "cli.init.trust": "add a shipped bundle of trusted root certificates (vn: National Root CA, Government CA, VNPT-CA)",
    "cli.trust.help": "manage the trusted root certificates in trust/",
    "cli.trust.description": "Add the Vietnamese root certificates, or list those in trust/ with their SHA-256 fingerprints.",
    "cli.trust.add": "add a shipped bundle to trust/ (never overwrites a file with other content)",
    "cli.trust.bundle": "bundle name: vn",
    "cli.trust.list": "list the certificates in trust/ with validity and SHA-256 fingerprint",
    "trust.item": "{file}: {subject} (valid until {until})",
    "trust.count": "{count} trusted certificates. Compare the fingerprints with the CA's own page before relying on them.",
    "trust.unknown-bundle": "there is no bundle '{value}' — choose one of: {choices}",
    "trust.bad-pem": "a file in trust/ cannot be read ({detail}) — replace it with the PEM file from the CA's own page",
    "trust.kept": "kept (exists): {path}",
    "trust.added": "added: {path}",
    "trust.added-bundle": "Added bundle '{bundle}'. Review, then commit trust/ (changes need approval like any record).",
    "trust.differs": "{path} exists with other content; hoso never overwrites — review it and delete it to replace",
    "hygiene.traversal": "the path has a '..', '.', empty or absolute part, or a '\\'",
    "hygiene.traversal.fix": "place the file as records/<year>/<owner>/<type>/<name>.pdf",
    "hygiene.control-char": "the file name contains control characters",
    "hygiene.control-char.fix": "rename it with lowercase ASCII letters, digits and hyphens",
    "hygiene.not-nfc": "the file name is not in Unicode NFC form (often copied from a Mac)",
    "hygiene.not-nfc.fix": "rename it without diacritics, e.g. with hoso add --title",
    "hygiene.symlink": "is a symbolic link, not a record file",
    "hygiene.symlink.fix": "replace it with the PDF file itself",
    "hygiene.submodule": "is a git submodule, not allowed under records/",
    "hygiene.submodule.fix": "remove the submodule from records/",
    "hygiene.stray-file": "stray file '{name}' under records/: only .pdf files belong there",
    "hygiene.stray-file.fix": "delete it or move it out of records/",
    "hygiene.case-collision": "same name as '{other}' when case is ignored (breaks on Windows)",
    "hygiene.case-collision.fix": "rename one of the two files",
    "placement.outside-records": "record files must be under records/",
    "placement.outside-records.fix": "bring the file in with: hoso add FILE --type TYPE --owner ID --year YEAR",
    "placement.year": "school year folder '{value}' is invalid",
    "placement.year.fix": "use a school year YYYY-YYYY of consecutive years, e.g. records/2024-2025/",
    "placement.layout": "wrong folder structure at '{value}'",
    "placement.layout.fix": (
        "use records/<year>/truong/<type>/<name>.pdf, records/<year>/to/<group>/<type>/<name>.pdf or "
        "records/<year>/gv/<teacher>/<type>/<name>.pdf"
    ),
    "placement.slug": "name '{value}' has capitals, diacritics, spaces or other characters",
    "placement.slug.fix": (
        "use lowercase ASCII letters, digits and hyphens, e.g. ke-hoach-day-hoc-toan-6.pdf "
        "(hoso add --title names it for you)"
    ),
    "placement.extension": "file '{value}' does not end in .pdf",
    "placement.extension.fix": "a record must be a PDF file ending in lowercase .pdf",
    "placement.type-unknown": "record type '{value}' is not in catalog.yml",
    "placement.type-unknown.fix": "use a type id from catalog.yml, or add this type to the catalog",
    "placement.type-owner": "type '{type}' belongs to level '{owner}', but the file is under '{value}'",
    "placement.type-owner.fix": "move the file to the folder of level '{owner}'",
    "placement.type-level": "type '{type}' does not apply to the school's level '{level}'",
    "placement.type-level.fix": "choose a type of this school level, or fix the type's levels in catalog.yml",
    "placement.owner-unknown": "teacher '{value}' is not in people.yml",
    "placement.owner-unknown.fix": "check the teacher id, or add the person to people.yml",
    "placement.owner-role": "{value} held no teaching role in school year {year}",
    "placement.owner-role.fix": "check the year, or add the role (from/until) in people.yml",
    "placement.group-unknown": "group '{value}' is not in people.yml",
    "placement.group-unknown.fix": "check the group id, or add the group under groups in people.yml",
    "placement.group-inactive": "group '{value}' did not exist in school year {year}",
    "placement.group-inactive.fix": "check the year, or fix the group's from/until in people.yml",
    "format.too-large": "the file is {size}, over the limit of {limit}",
    "format.too-large.fix": "compress or split the PDF, or change the type's max_size_mb in catalog.yml",
    "format.empty": "the file is empty (0 bytes)",
    "format.empty.fix": "copy the signed PDF again",
    "format.lfs-pointer": "this is a Git LFS pointer, not the PDF content",
    "format.lfs-pointer.fix": "fetch the content with: git lfs pull (install Git LFS first), then check again",
    "format.not-pdf": "the content is not a PDF (looks like {detail}) although the name ends in .pdf",
    "format.not-pdf.fix": "export the document to PDF again and sign it, then replace this file",
    "format.truncated": "the PDF is truncated (no final %%EOF), perhaps an incomplete download",
    "format.truncated.fix": "download or copy the whole file again",
    "format.encrypted": "the PDF is password-protected / encrypted; inspectors cannot open it",
    "format.encrypted.fix": "export the PDF again without a password, then sign it",
    "format.unreadable": "the PDF structure cannot be read ({detail})",
    "format.unreadable.fix": "export the PDF again from the original software, then sign it",
    "format.no-pages": "the PDF has no pages",
    "format.no-pages.fix": "export a PDF with content again",
}
