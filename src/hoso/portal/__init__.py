"""Many schools\x27 index.json -> one store -> the school site\x27s templates and theme -> one site."""
