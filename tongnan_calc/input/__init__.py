"""tongnan_calc.input."""
