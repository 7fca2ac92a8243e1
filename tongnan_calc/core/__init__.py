"""tongnan_calc.core."""
