"""hoso: a school's official records (hồ sơ, sổ sách) as signed PDFs in a Git repository."""

__version__ = "0.1.0"
