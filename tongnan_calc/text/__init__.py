"""tongnan_calc.text."""
