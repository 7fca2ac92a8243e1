"""tongnan_calc.shell."""
