"""Operations on a whole repository: backup and restore (and later audit, retention, bundle)."""
