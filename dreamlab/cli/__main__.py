import sys

from dreamlab.cli.launch import main

sys.exit(main())
