"""Kodi entry point: Kodi runs this with sys.argv = [plugin URL, handle, query]."""
import sys

from resources.lib.router import run

if __name__ == "__main__":
    run(sys.argv)
