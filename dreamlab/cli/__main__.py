import sys

from dreamlab.cli.main import main

sys.exit(main())
