"""Revision scripts. A package so that setuptools and PyInstaller ship them."""
