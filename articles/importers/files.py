"""Which files are posts, and reading one safely.

A file named on the command line is always read as a post. In a directory
(searched recursively, without following symbolic links or entering hidden
folders and ``node_modules``):

- a folder holding ``_config.yml`` is a Hexo or Jekyll site: only its
  ``source/_posts`` and ``source/_drafts`` (Hexo) or ``_posts`` and ``_drafts``
  (Jekyll) hold posts; themes, scaffolds and pages do not;
- elsewhere, ``.md``, ``.markdown``, ``.html`` and ``.htm`` files are posts,
  except documentation next to them (``README.md``, ``SOURCE.md``,
  ``LICENSE.md``, ``CHANGELOG.md``...) outside a ``_posts`` folder;
- every other file is ignored.
"""

import os
from pathlib import Path

from . import limits

POST_SUFFIXES = {".md", ".markdown", ".html", ".htm"}
MARKDOWN_SUFFIXES = {".md", ".markdown"}
SITE_CONFIGS = ("_config.yml", "_config.yaml")
SITE_POST_FOLDERS = ("source/_posts", "source/_drafts", "_posts", "_drafts")
DOCUMENTATION = {"readme", "source", "license", "licence", "changelog", "contributing", "code_of_conduct", "security"}
SKIPPED_FOLDERS = {"node_modules"}


class FileError(ValueError):
    """The file cannot be read as a post."""


def find_posts(paths):
    """``(file, root)`` for every post under ``paths``, in a stable order.

    ``root`` is the directory named on the command line; the source key is
    the file's path relative to it. For a file named on its own it is the
    ``_posts`` (or ``_drafts``) folder the file is in, so a file imported
    alone keeps the key it gets when its folder is imported; else the file's
    own directory.
    """
    seen = set()
    for given in map(Path, paths):
        found = [(given, _posts_root(given))] if not given.is_dir() else [(path, given) for path in _walk(given)]
        for path, root in found:
            key = os.path.realpath(path)
            if key not in seen:
                seen.add(key)
                yield path, root


def _posts_root(path):
    for parent in path.parents:
        if parent.name in ("_posts", "_drafts"):
            return parent
    return path.parent


def _walk(root):
    posts = []
    for folder, dirs, files in os.walk(root):
        folder = Path(folder)
        if any((folder / name).is_file() for name in SITE_CONFIGS):
            dirs[:] = []
            for sub in SITE_POST_FOLDERS:
                if (folder / sub).is_dir() and not (folder / sub).is_symlink():
                    posts.extend(_walk_posts_folder(folder / sub))
            continue
        dirs[:] = sorted(d for d in dirs if _enter(folder / d))
        in_posts = "_posts" in folder.parts
        for name in files:
            path = folder / name
            if _is_post_file(path) and (in_posts or path.stem.lower() not in DOCUMENTATION):
                posts.append(path)
    return sorted(posts, key=lambda path: path.as_posix())


def _walk_posts_folder(folder):
    posts = []
    for sub, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if _enter(Path(sub) / d)]
        posts.extend(Path(sub) / name for name in files if _is_post_file(Path(sub) / name))
    return posts


def _enter(path):
    return not (path.name.startswith(".") or path.name in SKIPPED_FOLDERS or path.is_symlink())


def _is_post_file(path):
    return path.suffix.lower() in POST_SUFFIXES and not path.name.startswith(".") and not path.is_symlink()


def is_draft_location(path, root):
    """Posts under a ``_drafts`` folder are drafts (Hexo and Jekyll)."""
    try:
        parts = Path(path).relative_to(root).parts
    except ValueError:
        parts = Path(path).parts
    return "_drafts" in parts[:-1] or Path(root).name == "_drafts"


def read_text(path):
    """The file's bytes and text; ``FileError`` for what is not a text post."""
    path = Path(path)
    if path.suffix.lower() not in POST_SUFFIXES:
        raise FileError("not a post: only .md, .markdown and .html files are imported")
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FileError("not a regular file")
        if size > limits.MAX_FILE_BYTES:
            raise FileError(f"file too large ({size:,} bytes; at most {limits.MAX_FILE_BYTES:,})")
        with path.open("rb") as handle:
            raw = handle.read(limits.MAX_FILE_BYTES + 1)
    except OSError as error:
        raise FileError(f"cannot read the file: {error.strerror}") from None
    if len(raw) > limits.MAX_FILE_BYTES:
        raise FileError(f"file too large (more than {limits.MAX_FILE_BYTES:,} bytes)")
    if b"\x00" in raw:
        raise FileError("binary file (it contains NUL bytes)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise FileError(f"not UTF-8 text (invalid byte at offset {error.start})") from None
    return raw, text
