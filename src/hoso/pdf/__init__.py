"""PDF structure checks, signatures and signing. pyHanko and pypdf are imported lazily."""
