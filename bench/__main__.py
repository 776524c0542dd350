"""``python -m bench`` (what ``make bench`` runs); see ``bench/run.py``."""

import sys

from .run import main
from .server import ServerError

try:
    main()
except KeyboardInterrupt:
    print("[bench] interrupted; everything it started has been stopped", file=sys.stderr)
    sys.exit(130)
except ServerError as error:
    print(f"[bench] the server did not start: {error}", file=sys.stderr)
    sys.exit(1)
