"""tongnan_calc.rules.load."""
