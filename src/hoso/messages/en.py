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
    "cli.check.no-cache": "do not use the cache (.git/hoso/)",
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
    "check.ok-pending": "Checked {count} files: no errors; {pending} awaiting approval (signatures missing).",
    "check.failed": "Checked {count} files: {bad} with problems ({problems} problems).",
    "summary.title": "Records summary — {school}",
    "summary.year": "Year",
    "summary.owner": "Level",
    "summary.records": "Records",
    "summary.unplaced": "Misplaced",
    "status.da-duyet": "Approved",
    "status.cho-duyet": "Pending",
    "status.khong-hop-le": "Invalid",
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
    "cli.metavar-branch": "BRANCH",
    "cli.check.branch": "judge as if on this branch (default: the current one); on the main branch records need every signature",
    "signatures.invalid": "a signature is no longer intact: {reasons}",
    "signatures.invalid.fix": "do not use this file; get the signed original back (details: hoso verify {path})",
    "signatures.untrusted": "a signature is not acceptable: {reasons}",
    "signatures.untrusted.fix": "see hoso verify {path}; sign again with a valid certificate of the right person in the right role",
    "signatures.unreadable": "the signatures in this PDF cannot be read",
    "signatures.unreadable.fix": "get the signed original back from the signer",
    "signatures.missing": "awaiting approval: missing the signature of {missing}",
    "signatures.missing.fix": "the missing signer signs it (hoso sign or any signing app); the main branch takes only fully signed records",
    "signatures.order": "every signer is there but not in the catalog's order; still awaiting: {missing}",
    "signatures.order.fix": "sign again in the catalog's order, author first, approvers after",
    "signatures.no-detail": "no reason given",
    "signatures.or": " or ",
    "cli.metavar-role": "ROLE",
    "cli.sign.help": "sign a record with a PKCS#12 file or a USB token (PKCS#11)",
    "cli.sign.description": "Append a PAdES signature (incremental update: the signed part stays as it is). The passphrase/PIN comes from HOSO_P12_PASSPHRASE / HOSO_PKCS11_PIN or a prompt, never from the command line.",
    "cli.sign.file": "the PDF to sign",
    "cli.sign.role": "the role signing: giao-vien, to-truong, hieu-truong, … or con-dau (the school's certificate)",
    "cli.sign.p12": "PKCS#12 certificate file (.p12, .pfx)",
    "cli.sign.pkcs11-lib": "the USB token's PKCS#11 library (the vendor's .so / .dll)",
    "cli.sign.token": "the token's label",
    "cli.sign.key-label": "label of the key and certificate on the token (when it holds several)",
    "cli.sign.visible": "add a visible signature box on the first page",
    "cli.sign.image": "image of the handwritten signature (transparent PNG, blue) or of the seal (red) inside the signature box, per Decree 30/2020",
    "sign.image-missing": "image '{path}' not found",
    "sign.image-format": "'{path}' is not a PNG or JPEG image",
    "sign.prompt-passphrase": "Certificate file passphrase:",
    "sign.prompt-pin": "Token PIN:",
    "sign.no-secret": "no passphrase/PIN: set {env} or run in a terminal to be asked",
    "sign.p12-missing": "certificate file '{path}' not found",
    "sign.p12-unreadable": "cannot open certificate file '{path}' (wrong passphrase or broken file): {detail}",
    "sign.need-key": "give --p12 FILE, or --pkcs11-lib LIB with --token LABEL",
    "sign.token-failed": "signing with the token failed: {detail} — check the token is plugged in, its label and PIN",
    "sign.bad-role": "role '{value}' does not exist — choose one of: {choices}",
    "sign.file-missing": "file '{path}' not found",
    "sign.not-seal": "this certificate is not the school's seal certificate in people.yml",
    "sign.role-not-held": "{name} does not hold the role {role} now per people.yml — check the role or the signer",
    "sign.unknown-cert": "the certificate (SHA-256 {fingerprint}) is not declared for anyone in people.yml — add its fingerprint to the signer's certificates",
    "sign.reason": "signed as {role}",
    "sign.failed": "cannot sign '{path}': {detail}",
    "sign.done": "Signed {path}: {who} ({role}). Check: hoso verify {path}",
    "cli.check.range": "check a commit range A..B (CI, server): the new content and the history rules",
    "cli.check.ref": "the branch receiving the range (refs/heads/main or main); the main branch is judged strictest",
    "cli.install-server-hook.help": "install the pre-receive hook in a bare git repository on the server",
    "cli.install-server-hook.description": "Install a pre-receive hook running the same rules as hoso check on every push; nobody can skip it.",
    "cli.install-server-hook.repo": "the bare repository, e.g. /srv/git/school.git",
    "check.usage-range": "--range does not go with --all, --staged or a list of paths",
    "check.unknown-rev": "there is no commit or branch '{value}' here — check the name, or run git fetch",
    "check.bad-range": "commit range '{value}' is invalid — write A..B, e.g. origin/main..HEAD",
    "history.forever": "permanently",
    "history.rewrite-approved": "an approved record is rewritten in commit {commit}: a new version must keep the old bytes and only add signatures",
    "history.rewrite-approved.fix": "restore the approved version; add signatures with hoso sign, or make a new record with a reason to change content",
    "history.reason-missing": "a record is changed or deleted in commit {commit} without a reason",
    "history.reason-missing.fix": "add a line 'Ly-do: …' at the end of the commit message (git commit --amend), then push again",
    "history.locked": "the record's year/type is locked (locks.yml) and commit {commit} has no change request",
    "history.locked.fix": "add a line 'De-nghi-sua: <path of the change request signed by the principal>' to the commit message",
    "history.request-missing": "change request '{request}' (commit {commit}) is not in the repository",
    "history.request-missing.fix": "push the signed change request too, or fix the path in the De-nghi-sua line",
    "history.request-unsigned": "change request '{request}' (commit {commit}) has no valid signature of the principal",
    "history.request-unsigned.fix": "the principal signs the change request, then push again",
    "history.retention": "a record is deleted in commit {commit} before its retention ends ({until})",
    "history.retention.fix": "do not delete it; records are kept until the retention period in catalog.yml ends",
    "history.disposal-missing": "a record past its retention is deleted in commit {commit} without a disposal decision",
    "history.disposal-missing.fix": "add a line 'Quyet-dinh-huy: <number and date of the council's decision>' to the commit message",
    "history.governance-direct": "configuration/trust changed in commit {commit} directly on the main branch",
    "history.governance-direct.fix": "bring this change through a branch and an approval (merge), like any record",
    "history.governance": "configuration/trust changed in commit {commit}: needs approval by someone entitled to",
    "hook.checking": "hoso: checking {ref}",
    "hook.delete-protected": "hoso: the main branch {ref} must not be deleted",
    "hook.force-push": "hoso: the history of the main branch {ref} must not be rewritten (force-push): it is the audit trail",
    "hook.refused": "hoso: push refused. Fix the problems above and push again.",
    "install-hook.not-bare": "'{path}' is not a bare git repository — create one with: git init --bare {path}",
    "install-hook.kept-old": "the previous pre-receive hook was kept at {path}",
    "install-hook.done": "Hook installed: {path}",
    "cli.metavar-person": "PERSON",
    "cli.metavar-remote": "REMOTE",
    "cli.metavar-reason": "REASON",
    "cli.opt-person": "your id in people.yml (default: HOSO_PERSON, or the git e-mail found in people.yml)",
    "cli.opt-remote": "the shared repository to push/fetch (default: origin)",
    "cli.submit.help": "submit records: commit them on nop/<person>/<name> and push for approval",
    "cli.submit.description": "Commit the staged files (or the files named) on a submission branch of their own and push it for the tổ trưởng / hiệu trưởng to approve.",
    "cli.submit.paths": "files to submit (default: what is staged)",
    "cli.submit.title": "a title for the submission, used for the branch name",
    "cli.submit.no-push": "commit only, do not push",
    "cli.review.help": "list submissions awaiting approval, their status and missing signatures",
    "cli.review.description": "List unapproved submission branches, each record with its status and missing signatures.",
    "cli.review.all": "list approved branches too",
    "cli.approve.help": "approve a submission: counter-sign (given a certificate), then merge into the main branch",
    "cli.approve.description": "Counter-sign every record of the submission (with --p12 or --pkcs11-lib), merge --no-ff into the main branch with a Duyet-boi line, check as the server does, then push.",
    "cli.approve.branch": "the submission branch, e.g. nop/nguyen-van-an/tuan-05-toan-6a",
    "cli.approve.role": "the role counter-signing (default: to-truong)",
    "cli.reject.help": "send a submission back with a reason",
    "cli.reject.description": "Record the rejection (Tu-choi-boi, Ly-do) on the submission branch; the submitter sees it with hoso status, fixes and submits again on the same branch.",
    "cli.reject.branch": "the submission branch sent back",
    "cli.reject.reason": "the reason, for the submitter to read",
    "cli.status.help": "my submissions: awaiting approval, sent back (reason), approved",
    "cli.status.description": "The status of one person's submission branches.",
    "approvals.who": "who are you in people.yml? — add --person ID, set HOSO_PERSON, or declare your git e-mail in people.yml",
    "approvals.unknown-person": "'{value}' is not in people.yml",
    "approvals.not-submission": "'{branch}' is not a submission branch (nop/<person>/<name>)",
    "approvals.no-branch": "submission branch '{branch}' not found",
    "approvals.git-failed": "git failed: {detail}",
    "submit.nothing": "nothing to submit — git add the record files or name them after hoso submit",
    "submit.message": "Submit {count} record files",
    "submit.switch-failed": "cannot switch to branch {branch}: {detail}",
    "submit.commit-refused": "the commit was refused (see above); the files are still staged",
    "submit.done": "Submitted on branch {branch}. Approvers see it with: hoso review",
    "submit.not-pushed": "Committed on branch {branch} but not pushed; push with: git push -u origin {branch}",
    "review.open": "awaiting approval",
    "review.merged": "approved",
    "review.rejected": "sent back by {who}: {reason}",
    "review.count": "{count} submissions.",
    "reject.reason-needed": 'a reason is needed (--ly-do "…")',
    "reject.subject": "Send back the submission",
    "reject.done": "Sent back {branch}: {reason}",
    "status.line-open": "{branch}: awaiting approval",
    "status.line-merged": "{branch}: approved",
    "status.line-rejected": "{branch}: sent back by {who} — {reason}",
    "status.count": "{person}: {count} submissions.",
    "approve.not-approver": "{name} holds no approving role now (tổ trưởng, tổ phó, hiệu trưởng, phó hiệu trưởng)",
    "approve.dirty": "the work tree has uncommitted changes — commit or stash them before approving",
    "approve.already": "'{branch}' is already approved",
    "approve.subject": "Approve {branch}",
    "approve.countersign": "Counter-signed ({person})",
    "approve.conflict": "'{branch}' cannot be merged into the main branch (conflict) — the submitter must update it",
    "approve.checks-failed": "'{branch}' cannot be approved yet: see the problems above; the main branch is unchanged",
    "approve.push-refused": "the server refused (see above); the local main branch is back as it was",
    "approve.done": "Approved {branch} ({who}).",
    "cli.init.ci": (
        "write a CI configuration that checks the records on every pull/merge request and push (github,"
        " forgejo, gitlab; repeatable); existing files are kept"
    ),
    "cli.log.help": "records log: who submitted, approved, rejected, corrected, counter-signed, deleted what, when, why",
    "cli.log.description": (
        "Reads the Git history in one pass and lists every event, oldest first: submitted, approved"
        " (merge with Duyet-boi), rejected (Tu-choi-boi), corrected (Ly-do), counter-signed, deleted"
        " (Quyet-dinh-huy), configuration changed."
    ),
    "cli.log.path": "only the events of this file or folder (deleted records included)",
    "cli.log.person": "only the events of this person: people.yml id, commit author name or email",
    "cli.log.since": "only the events from this day on (YYYY-MM-DD)",
    "cli.log.all": "every branch (pending and rejected submissions too), not only the current one",
    "log.not-git": "'{path}' is not a Git repository — run inside the records repository, or use -C <repository folder>",
    "log.bad-date": "invalid date '{value}' — write YYYY-MM-DD, e.g. 2024-09-05",
    "log.outside-repo": "'{path}' is outside the records repository",
    "log.path-unknown": "'{path}' is not in the repository and never appears in its history — check the path",
    "log.count": "{count} events",
    "log.none": "no events",
    "log.line": "{date}  {kind}  {who}  {paths}",
    "log.reason": "reason: {reason}",
    "log.disposal": "disposal decision: {ref}",
    "log.by": "by: {people}",
    "log.kind.nop": "submitted",
    "log.kind.duyet": "approved",
    "log.kind.tu-choi": "rejected",
    "log.kind.sua": "corrected",
    "log.kind.ky-bo-sung": "countersigned",
    "log.kind.xoa": "deleted",
    "log.kind.cau-hinh": "config",
    # --- bundle -------------------------------------------------------------------------------
    "cli.bundle.help": "print one school year's records as a single PDF for binding (cover, contents, continuous page numbers)",
    "cli.bundle.description": (
        "Gather one school year's committed records (HEAD) into one PDF to print and bind like a paper book:\n"
        "a cover (school, record types, owner, school year, print date), a table of contents (title, path,\n"
        "status, first page), then each record's pages with a footer stamp (path, version, signature\n"
        "status, page x/y) and continuous page numbers. The signed originals are not modified;\n"
        "the printout is not the original."
    ),
    "cli.bundle.year": "school year, e.g. 2024-2025",
    "cli.bundle.type": "only this record type (id in catalog.yml, e.g. ke-hoach-bai-day)",
    "cli.bundle.owner": "only the records of this person or group (id in people.yml); truong: the school's records",
    "cli.bundle.out": "the PDF file to write (replaced if it exists)",
    "cli.bundle.print-date": "print date shown on the cover, YYYY-MM-DD (default: today); same commit and date give the same file",
    "bundle.not-git": "'{path}' is not a git repository: a printout only takes committed records",
    "bundle.no-commit": "no commit '{rev}': a printout takes committed records — commit first",
    "bundle.bad-year": "'{year}' is not a school year (YYYY-YYYY, e.g. 2024-2025)",
    "bundle.bad-date": "'{value}' is not a date of the form YYYY-MM-DD",
    "bundle.bad-out": "not writing the printout to '{path}': it is a folder, or inside records/ — choose a file elsewhere",
    "bundle.unknown-year": "school year {year} has no records in commit {commit} (years with records: {known})",
    "bundle.unknown-type": "record type '{type}' is not in catalog.yml (type ids: {known})",
    "bundle.unknown-owner": "'{owner}' is not a person or group id in people.yml (use truong for the school's records)",
    "bundle.empty": "no record matches (school year {year}{filters}) — no file written",
    "bundle.filter-type": "type {type}",
    "bundle.filter-owner": "owner {owner}",
    "bundle.nothing-printable": "none of the {count} selected records could be printed (encrypted or broken files) — no file written",
    "bundle.written": "wrote {path}: {records}/{total} records printed, {pages} pages (commit {commit})",
    "bundle.skipped-line": "warning: not printed {path}: {reason} — see the table of contents",
    "bundle.skip.encrypted": "the PDF is encrypted",
    "bundle.skip.empty": "the PDF has no pages",
    "bundle.skip.broken": "the PDF is broken and cannot be read ({detail})",
    "bundle.owner-school": "The school",
    "bundle.pdf-title": "{title} — school year {year} (printout)",
    "bundle.cover.title-all": "RECORDS",
    "bundle.cover.year": "School year {year}",
    "bundle.cover.owner": "Owner: {owner}",
    "bundle.cover.owner-all": "all",
    "bundle.cover.types": "Record types: {types}",
    "bundle.cover.counts": "{records} records ({printed} printed) · {pages} pages",
    "bundle.cover.print-date": "Printed: {date}",
    "bundle.cover.notice": "Printed from the electronic records — not the digitally signed original; original: {origin}",
    "bundle.cover.verify": "Digital signatures can only be checked on the original (hoso verify, or the school's records site). The statuses printed here are those of the commit above, on the print date.",
    "bundle.toc.title": "CONTENTS",
    "bundle.toc.title-more": "CONTENTS (continued)",
    "bundle.toc.col-no": "No.",
    "bundle.toc.col-record": "Record",
    "bundle.toc.col-status": "Status",
    "bundle.toc.col-page": "Page",
    "bundle.toc.skipped": "not printed: {reason}",
    "bundle.footer.page": "page {page}/{pages}",
    "bundle.footer.version": "version {oid}",
    "bundle.footer.copy": "printed from the electronic records, not the original",
    "cli.retention.help": "how long each record is kept; --due: records whose retention has ended, for the disposal council",
    "cli.retention.description": (
        "For every record on HEAD: kept until which day, forever, or until an event (returned to the"
        " student), the legal source catalog.yml cites and whether that value was checked (confirmed)."
        " This command never deletes a record: disposal needs the council's decision and a commit"
        " carrying Quyet-dinh-huy."
    ),
    "cli.retention.as-of": "as of this day (YYYY-MM-DD; default: today)",
    "cli.retention.due": "list only the records whose retention has ended as of that day",
    "cli.audit.help": "fixity audit: git fsck, re-read and re-hash every record, re-check signatures, compare with the last audit",
    "cli.audit.description": (
        "Runs git fsck --full; re-reads every record on HEAD and compares its blob id (SHA-1) and the"
        " SHA-256 recorded by the previous audit; re-checks signatures against today's trust/ and"
        " people.yml (cached results when nothing changed); reports what changed since the last audit:"
        " new/removed records, missing or corrupt blobs, changed statuses, expired certificates. The"
        " state is kept in .git/hoso/audit.json."
    ),
    "retention.no-commit": "repository '{path}' has no commit yet: no records to compute retention for",
    "retention.date": "{year}-{month}-{day}",
    "retention.years": "{years} years",
    "retention.after": "after {date}",
    "retention.keep-unknown": "unknown",
    "retention.col-until": "Kept until",
    "retention.col-state": "State",
    "retention.col-checked": "Source",
    "retention.col-path": "Record",
    "retention.col-type": "Record type",
    "retention.col-keep": "Retention",
    "retention.col-source": "Legal source",
    "retention.state.het-han": "ended",
    "retention.state.con-han": "kept",
    "retention.state.su-kien": "on event",
    "retention.state.vinh-vien": "forever",
    "retention.state.khong-ro": "unknown type",
    "retention.confirmed": "confirmed",
    "retention.unconfirmed": "not confirmed",
    "retention.sources-title": "Retention sources by record type (catalog.yml):",
    "retention.summary": (
        "{total} records on HEAD, as of {date}: {ended} ended, {kept} kept, {forever} forever,"
        " {event} on event, {unknown} of unknown type"
    ),
    "retention.due": (
        "{count} records whose retention ended as of {date}: the list for the disposal council. hoso"
        " deletes nothing; disposal needs the council's decision and a commit carrying Quyet-dinh-huy"
    ),
    "retention.due-none": "no record has reached the end of its retention",
    "retention.due-events": (
        "{count} records kept until an event (returned to the student) are not listed: they are returned"
        " to the student, never destroyed by date"
    ),
    "retention.unconfirmed-warning": (
        "{count} records have a retention value not yet confirmed (confirmed: false): check it against"
        " Circular 08/2025/TT-BGDĐT before proposing disposal"
    ),
    "audit.bad-today": "HOSO_TEST_TODAY='{value}' is not a date — write YYYY-MM-DD (a test hook only)",
    "audit.no-commit": "repository '{path}' has no commit yet: nothing to audit",
    "audit.state-unreadable": "the previous audit's state could not be read; this run counts as the first",
    "audit.label-error": "[ERROR]",
    "audit.label-info": "[info]",
    "audit.fsck": "git fsck: {detail}",
    "audit.fsck-more": "git fsck: {count} more lines (run git fsck --full to see them all)",
    "audit.missing": "blob {oid} cannot be read: the object is missing or damaged — restore it from a backup or another clone",
    "audit.corrupt": "the bytes read back do not match blob id {oid}: data in .git/objects is damaged or altered — restore it from a backup or another clone",
    "audit.sha256-mismatch": "SHA-256 differs from the previous audit ({before} → {now}) although blob id {oid} is the same: possibly a SHA-1 collision forgery",
    "audit.new": "new since the last audit",
    "audit.modified": "content changed since the last audit (blob {old} → {new})",
    "audit.removed": "no longer on HEAD since the last audit",
    "audit.verdict-changed": "status changed from «{before}» to «{now}» since the last audit",
    "audit.verdict-worse": "status changed from «{before}» to «{now}» since the last audit: {reasons}",
    "audit.invalid": "not valid: {reasons}",
    "audit.cert-expired": (
        "certificate «{subject}» has expired since the last audit (expired {not_after}; {count} records);"
        " the signatures stay valid because it was valid at signing time"
    ),
    "audit.cert-expired-first": (
        "certificate «{subject}» expired on {not_after} ({count} records); signatures stay valid if it was"
        " valid at signing time"
    ),
    "audit.anchor-removed": "trust anchor «{subject}» ({fingerprint}) was removed from trust/ since the last audit",
    "audit.anchor-added": "trust anchor «{subject}» was added to trust/ since the last audit",
    "audit.anchor-expired": "trust anchor «{subject}» has expired since the last audit (expired {not_after})",
    "audit.anchor-expired-first": "trust anchor «{subject}» expired on {not_after}",
    "audit.previous": "compared with the previous audit of {date} (commit {head})",
    "audit.first-run": "first audit: the SHA-256 of every record was recorded as the baseline for later runs",
    "audit.summary": (
        "{records} records ({mib} MiB) re-read and re-hashed; signatures: {verified} verified now, {cached}"
        " from cache; approved {da}, awaiting {cho}, invalid {khl}"
    ),
    "audit.result-ok": "fixity audit: no problem found",
    "audit.result-bad": "fixity audit: {count} problems to deal with",
    # --- backup / restore -------------------------------------------------------------------
    "cli.metavar-backup": "BACKUP",
    "cli.backup.help": "back up the whole repository (every branch, tag, note) as a verified copy",
    "cli.backup.description": (
        "Write a complete backup: one git bundle with every branch, tag, notes ref and all history,\n"
        "plus manifest.json with the SHA-256 of the bundle and of every record file, and the result of\n"
        "hoso check --all at backup time. The backup is written to a temporary folder and renamed\n"
        "only when complete, so an interrupted run never leaves a half backup. Exit code 0 on success (cron)."
    ),
    "cli.backup.to": "folder holding the backups (must exist, e.g. a mounted backup disk)",
    "cli.backup.keep": "keep only the N newest backups; older ones are deleted after the new one is complete",
    "cli.restore.help": "restore a backup into a new folder and prove it complete",
    "cli.restore.description": (
        "Check the manifest and the bundle's SHA-256, recreate the repository (every branch, tag,\n"
        "notes ref) in DIR, then prove it: git fsck --full, every record with the same SHA-256, the\n"
        "same check result as at backup time. BACKUP is a hoso-backup-… folder, or a folder holding\n"
        "them (the newest is used). DIR must not exist or be empty; on any failure DIR is untouched."
    ),
    "cli.restore.backup": "the backup folder (or a folder of backups: the newest is used)",
    "cli.restore.dir": "folder to restore into (absent or empty)",
    "backup.not-a-repo": "{path} is not a Git repository — run this in the records repository or use -C DIR",
    "backup.dest-missing": (
        "backup folder {path} does not exist — create it or mount the backup disk, then run again"
    ),
    "backup.dest-not-writable": (
        "cannot write to backup folder {path} ({detail}) — check permissions and free space"
    ),
    "backup.busy": "another backup is writing to {path} — wait for it to finish, then run again",
    "backup.empty-repo": "repository {path} has no commit yet — nothing to back up",
    "backup.verify-failed": (
        "the new backup failed verification (git bundle verify) {path}: {detail} — "
        "previous backups are untouched; check the disk and run again"
    ),
    "backup.io-error": (
        "error while writing the backup to {path}: {detail} — previous backups are untouched; "
        "check free space and the disk, then run again"
    ),
    "backup.bad-keep": "--keep must be a positive integer (got {value})",
    "backup.lfs-note": (
        "The repository uses Git LFS (filter=lfs): the bundle holds only LFS pointer files; LFS content "
        "is in lfs-objects/ only when git lfs is installed and the objects are in .git/lfs/objects."
    ),
    "backup.lfs-missing": (
        "note: the repository uses Git LFS but .git/lfs/objects holds no object — the backup has "
        "pointer files only; install git lfs and run git lfs fetch --all before backing up"
    ),
    "backup.done": "Backed up {refs} refs, {records} record files ({size} MB) to {path}",
    "backup.check-warning": (
        "note: at backup time, hoso check --all reported {errors} errors (exit code {code}); the "
        "backup was made and records this result"
    ),
    "backup.stale-removed": "Removed {count} temporary folders left by an interrupted backup",
    "backup.rotated": "Deleted old backup {path}",
    "restore.not-a-backup": "{path} is not a hoso backup (no manifest.json) and holds no backup",
    "restore.manifest-invalid": (
        "manifest {path} is damaged or unreadable ({detail}) — this backup cannot be used, use another one"
    ),
    "restore.manifest-version": (
        "manifest {path} has version {version}, which this hoso cannot read — update hoso and run again"
    ),
    "restore.manifest-modified": (
        "manifest {path} was modified after the backup (SHA-256 mismatch) — restore refused; "
        "use another backup"
    ),
    "restore.bundle-corrupt": (
        "bundle file {path} is damaged or modified ({detail}) — restore refused; use another backup"
    ),
    "restore.target-not-empty": "{path} exists and is not empty — choose a new or empty folder",
    "restore.target-not-writable": "cannot create {path} ({detail}) — check permissions",
    "restore.io-error": "error while restoring into {path}: {detail} — {path} is unchanged",
    "restore.report-title": "Restoring {backup} (backed up at {created}) into {target}:",
    "restore.proof.refs": "all {count} refs (branches, tags, notes) at the same commits as at backup time",
    "restore.proof.refs-failed": "missing or wrong refs: {detail} (expected {count})",
    "restore.proof.fsck": "git fsck --full: repository intact",
    "restore.proof.fsck-failed": "git fsck --full reported errors: {detail}",
    "restore.proof.records": "all {count} record files, same SHA-256 as at backup time",
    "restore.proof.records-failed": "{bad}/{count} record files missing or with another SHA-256: {detail}",
    "restore.proof.check": "same check result as at backup time: exit code {code}, {findings} findings",
    "restore.proof.check-failed": (
        "check result differs from backup time: then exit code {code}, {findings} findings; "
        "now exit code {code_now}, {findings_now} findings"
    ),
    "restore.ok": (
        "Restored into {path}. Reinstall the hooks (pre-commit install, hoso install-server-hook) and "
        "the remote addresses: they are not part of the backup."
    ),
    "restore.failed": "Restore FAILED: {path} was not created. Use another backup.",
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
    # --- verify -------------------------------------------------------------------------------
    "cli.verify.help": "check the digital signatures of PDF files (offline, against trust/ and people.yml)",
    "cli.verify.description": (
        "Check every digital signature of PDF files, without network access: signer and role at\n"
        "the signing time (people.yml), signing time, whether the document is intact, the certificate\n"
        "chain to a CA in trust/, certificate validity at signing time, algorithm strength. Exit 0 when every file is intact and trusted."
    ),
    "cli.verify.files": "PDF files to check",
    "verify.summary": "{ok}/{total} files with valid signatures",
    "verify.file-header": "{path}: {status}",
    "verify.file-verdict": "  File verdict: {status} (intact: {integrity}; trusted: {trusted})",
    "verify.sig-header": "  Signature {number} (field {field}): {signer}",
    "verify.timestamp-header": "  Document timestamp {number} (field {field}): {signer}",
    "verify.person": "    signer: {name} ({id}); role at signing time: {roles}",
    "verify.seal": "    seal (organisation certificate) of: {name}",
    "verify.person-unknown": "    signer: not in people.yml",
    "verify.no-role": "no role held",
    "verify.claimed-time": "    signing time (claimed by the signer): {time}",
    "verify.timestamp-time": "    time from the timestamp token: {time}",
    "verify.no-time": "    signing time: none",
    "verify.integrity": "    intact: {intact}; coverage: {coverage}",
    "verify.coverage.entire-file": "the whole file",
    "verify.coverage.entire-revision": "revision {revision} of the file (later additions are checked separately)",
    "verify.coverage.partial": "only the beginning of the file",
    "verify.coverage.unclear": "unclear (unusual /ByteRange)",
    "verify.coverage.unknown": "unknown",
    "verify.chain": "    certificate chain: {chain}; leads to a trusted CA in trust/: {trusted}",
    "verify.validity": "    certificate valid at signing time: {valid}",
    "verify.algorithm": "    algorithms: digest {digest}, key {key}",
    "verify.sig-verdict": "    signature verdict: {status}",
    "verify.reason-line": "{indent}- {message} — {fix}",
    "verify.yes": "yes",
    "verify.no": "no",
    "verify.unknown": "unknown",
    "verify.status.valid": "valid",
    "verify.status.invalid": "INVALID (broken signature or document modified after signing)",
    "verify.status.untrusted": "UNTRUSTED (intact, but the certificate, algorithm or signer is not acceptable)",
    "verify.status.unsigned": "not signed",
    "verify.status.unreadable": "unreadable",
    "verify.status.not-found": "file not found",
    "file.not-found": "file not found",
    "file.not-found.fix": "check the path",
    "file.unreadable": "the PDF structure cannot be read to check signatures",
    "file.unreadable.fix": "get the signed original again; if it has a password, export it without one and sign it",
    "file.unsigned": "the file has no digital signature",
    "file.unsigned.fix": "sign the file (hoso sign or a signing app) and check again",
    "sig.contents-unreadable": "the signature cannot be read (/Contents damaged or truncated)",
    "sig.contents-unreadable.fix": "get the signed original from the signer again",
    "sig.digest-mismatch": "the content was changed after signing (digest mismatch)",
    "sig.digest-mismatch.fix": "do not use this file; get the signed original from the signer again",
    "sig.signature-invalid": "the digital signature does not match the signer's certificate",
    "sig.signature-invalid.fix": "do not use this file; ask the signer to sign again",
    "sig.byte-range": "the signature does not cover its whole signed revision (unusual /ByteRange)",
    "sig.byte-range.fix": "do not use this file; get the signed original and sign again if needed",
    "sig.forbidden-modification": "after signing, the document was changed beyond adding signatures (content, pages, annotations, form fields…)",
    "sig.forbidden-modification.fix": "get the version signed before the change; make every content change before signing, then sign again",
    "sig.not-last-covers-file": "the last signature does not cover the whole file: data that is neither a signature nor validation data follows it",
    "sig.not-last-covers-file.fix": "get the original ending with the last signature",
    "sig.timestamp-invalid": "the signature's timestamp is broken",
    "sig.timestamp-invalid.fix": "get the signed original again, or sign again with a timestamp",
    "sig.timestamp-untrusted": "the signature's timestamp was not issued by a trusted timestamping authority",
    "sig.timestamp-untrusted.fix": "add the timestamping authority's CA certificate to trust/ if it can be trusted",
    "sig.untrusted-chain": "the signer's certificate does not lead to a trusted CA in trust/",
    "sig.untrusted-chain.fix": "use a certificate from a licensed CA; if the CA is right, add its certificate to trust/",
    "sig.self-signed": "the signer's certificate is self-signed, not issued by a certification authority",
    "sig.self-signed.fix": "sign again with a certificate from a licensed certification authority",
    "sig.expired-at-signing": "the certificate had expired at the signing time",
    "sig.expired-at-signing.fix": "renew the certificate and sign again",
    "sig.not-yet-valid-at-signing": "the certificate was not yet valid at the signing time",
    "sig.not-yet-valid-at-signing.fix": "check the signing computer's clock; sign again once the certificate is valid",
    "sig.revoked": "the certificate was revoked before the signing time",
    "sig.revoked.fix": "sign again with a valid certificate",
    "sig.key-usage": "the certificate may not be used for signing (no digitalSignature / nonRepudiation)",
    "sig.key-usage.fix": "sign again with a certificate meant for digital signatures",
    "sig.weak-digest": "weak digest algorithm (SHA-1/MD5), not allowed by Circular 15/2025/TT-BKHCN",
    "sig.weak-digest.fix": "sign again with SHA-256 or stronger",
    "sig.weak-key": "signing key too short (RSA ≥ 2048 bits or ECDSA ≥ 256 bits required)",
    "sig.weak-key.fix": "sign again with a certificate whose key is strong enough",
    "sig.weak-chain": "a certificate of the chain uses a weak algorithm (SHA-1/MD5 or a short key)",
    "sig.weak-chain.fix": "sign again with a certificate from a CA using compliant algorithms",
    "sig.unknown-signer": "the signer's certificate is not in people.yml",
    "sig.unknown-signer.fix": "add the certificate's SHA-256 fingerprint to the right person in people.yml, or sign again with a declared certificate",
    "sig.no-role-at-signing": "the signer held no role on the signing date (per people.yml)",
    "sig.no-role-at-signing.fix": "check the role's from/until dates in people.yml",
    "sig.no-signing-time": "the signature records no signing time",
    "sig.no-signing-time.fix": "sign again with software that records the signing time (or a timestamp)",
}
