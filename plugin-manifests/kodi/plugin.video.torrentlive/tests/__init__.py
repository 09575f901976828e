"""Tests run under plain `python3 -m unittest` from the add-on folder, with stand-ins for Kodi's modules."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "stubs"))
sys.path.insert(0, os.path.dirname(HERE))
