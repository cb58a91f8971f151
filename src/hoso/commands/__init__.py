"""One module per subcommand; each exposes `run(args) -> int` and raises HosoError on failure."""
