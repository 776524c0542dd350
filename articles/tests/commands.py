"""Running management commands as the import tests do."""

from io import StringIO

from django.core.management import CommandError, call_command


def run_command(name, *args, **options):
    """``(exit code, stdout, stderr)`` of ``manage.py name``: 1 when it ends
    with a ``CommandError``, as it would on the command line."""
    out, err = StringIO(), StringIO()
    try:
        call_command(name, *map(str, args), stdout=out, stderr=err, **options)
        code = 0
    except CommandError:
        code = 1
    return code, out.getvalue(), err.getvalue()


def run_import(*paths, **options):
    return run_command("import_hexo", *paths, **options)


def run_feed(*sources, **options):
    return run_command("import_feed", *sources, **options)
