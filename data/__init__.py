"""Bundled data files of dsrnn (installed as the ``dsrnn._data`` package).

The files here are regenerated deterministically by the scripts beside them.
"""
