"""hoso's access to git, one module per kind of question.

- `hoso.git.process`: running git (`run_git`, `git_env`) and finding the repository;
- `hoso.git.objects`: blob ids, `Entry`, blob readers, snapshots, committed trees, object types;
- `hoso.git.worktree`: the index and the work tree (staged entries and changes, files on disk);
- `hoso.git.history`: commits and their changes, notes, ancestry, diffs;
- `hoso.git.refs`: refs, HEAD and the repository's git configuration;
- `hoso.git.bundle`: git bundles, fsck, a new repository filled from a bundle (backup).

Every listing is one git call for the whole set of paths; blob contents come through one
persistent `git cat-file --batch` process. A view yields `Entry` objects: the rules see the
staged or committed blob, not the working-tree file, wherever git knows it.

This file imports nothing: a caller loads only the modules it uses (`hoso check --staged` with
nothing relevant staged must not load more). `hoso.gitlog` (commits read from one `git log`
stream, kept by commit id) and `hoso.blob_arrival` stay outside the package: they keep their
answers in the evidence cache (hoso.evidence), which nothing here depends on.
"""
