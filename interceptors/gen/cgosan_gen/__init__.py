"""cgosan_gen — the implementation of cgosan-gen (see cli.py for the steps)."""
