"""The project stands on its own: a clone of this repository is all it reads.

Every default path in the settings resolves inside BASE_DIR, and no file of the repository
names a folder beside it (a clone has nothing beside it).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
# Settings whose environment variables would move a path elsewhere: a clean shell has none.
PATH_VARIABLES = ("CITY_PACK_DIR", "STATIC_ROOT", "MEDIA_ROOT", "PRIVATE_MEDIA_ROOT", "DATABASE_URL")
PRINT_PATHS = """
import json, django
from django.conf import settings
django.setup()
paths = {
    "BASE_DIR": settings.BASE_DIR,
    "CITY_PACK_DIR": settings.CITY_PACK_DIR,
    "STATIC_ROOT": settings.STATIC_ROOT,
    "MEDIA_ROOT": settings.MEDIA_ROOT,
    "PRIVATE_MEDIA_ROOT": settings.PRIVATE_MEDIA_ROOT,
    "DATABASE": settings.DATABASES["default"]["NAME"],
    "LOCALE": settings.LOCALE_PATHS[0],
    "TEMPLATES": settings.TEMPLATES[0]["DIRS"][0],
    "STATICFILES": settings.STATICFILES_DIRS[0],
}
print(json.dumps({k: str(v) for k, v in paths.items()}))
"""


def _default_paths() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PATH_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DJANGO_ENV="demo")
    done = subprocess.run(
        [sys.executable, "-c", PRINT_PATHS], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_every_default_path_in_settings_resolves_inside_the_repository():
    paths = _default_paths()
    base = Path(paths.pop("BASE_DIR")).resolve()
    assert base == BASE_DIR
    outside = {name: p for name, p in paths.items() if not Path(p).resolve().is_relative_to(base)}
    assert outside == {}


def test_the_default_city_pack_ships_in_the_repository_with_every_file():
    pack = Path(_default_paths()["CITY_PACK_DIR"])
    for name in ("wilayah.csv", "opd.csv", "budget-accounts.csv", "price-ceilings.csv"):
        assert (pack / name).is_file(), name
    tracked = subprocess.run(
        ["git", "ls-files", str(pack.relative_to(BASE_DIR))], cwd=BASE_DIR, capture_output=True, text=True
    ).stdout.split()
    assert len(tracked) >= 4


def test_no_file_of_the_repository_names_a_folder_beside_it():
    files = subprocess.run(["git", "ls-files"], cwd=BASE_DIR, capture_output=True, text=True, check=True)
    needle = "../" + "shared"  # split so this file does not find itself
    offenders = []
    for name in files.stdout.split():
        path = BASE_DIR / name
        if not path.is_file() or path.suffix in {".mo", ".jpg", ".png", ".pdf"}:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        if needle in text or "parent.parent / " + '"shared"' in text:
            offenders.append(name)
    assert offenders == []
