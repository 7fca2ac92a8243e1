"""tongnan_calc.clerk."""
