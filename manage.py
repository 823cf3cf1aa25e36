#!/usr/bin/env python
import sys

from tandem.cli import manage

if __name__ == "__main__":
    sys.exit(manage(sys.argv[1:]))
