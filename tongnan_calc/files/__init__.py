"""tongnan_calc.files: the file-system edge every part shares — atomic output files, what a path is."""
