"""tongnan_calc.cli.app."""
