"""Reference data: the one place that opens the files under data/reference/."""
