# tests/lab/: the lab (see tests/lab/README.md).
