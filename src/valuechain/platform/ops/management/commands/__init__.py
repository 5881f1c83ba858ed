"""`valuechain demo`, `serve`, `backup` and `restore`."""
