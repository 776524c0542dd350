"""How much an imported file may ask of us.

Posts and feeds come from outside; these bounds keep a hostile or broken file
from eating memory or time. They are generous: the largest post of the
756-post corpus is 100 KB, its deepest front matter 3 levels.
"""

MAX_FILE_BYTES = 2 * 1024 * 1024  # one post (20 times the corpus's largest)
MAX_FRONT_MATTER_BYTES = 128 * 1024
MAX_YAML_DEPTH = 20  # nested lists and mappings
MAX_YAML_ALIASES = 50  # real front matter uses none
MAX_YAML_NODES = 20_000  # after expanding aliases: the "billion laughs" guard
MAX_HTML_DEPTH = 1000  # nested elements in a body (the sanitizer slows with the square)
MAX_WARNINGS = 50  # per file; the rest are counted
MAX_TITLE_LENGTH = 255  # Article.title
MAX_NAME_LENGTH = 100  # category, author and tag names
MAX_CATEGORY_DEPTH = 10
MAX_NAMES = 50  # categories, tags or authors in one post
MAX_URL_LENGTH = 1000  # image addresses
MAX_PATH_LENGTH = 500  # source keys and old addresses
MAX_ASSET_BYTES = 10 * 1024 * 1024  # one image copied from a post's asset folder

MAX_FEED_BYTES = 5 * 1024 * 1024
MAX_FEED_ENTRIES = 500
FEED_TIMEOUT = 20  # seconds, per request
