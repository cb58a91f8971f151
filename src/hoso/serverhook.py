"""Kept for hooks installed by earlier versions (`from hoso.serverhook import main`)."""

from __future__ import annotations

from hoso.server.hook import main

__all__ = ["main"]
