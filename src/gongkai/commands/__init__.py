"""The bodies of the CLI commands, kept apart so `gongkai --help` imports none of them."""
