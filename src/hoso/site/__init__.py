"""The inspector site: data (model) → pages, search index, portal index → MkDocs build."""
