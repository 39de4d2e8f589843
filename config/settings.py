"""Gulo Asem settings: everything comes from the environment (django-environ).

Demo defaults need no services: SQLite under var/, local files, console e-mail,
local-memory cache. Set DJANGO_ENV=production for production mode, which
requires SECRET_KEY, ALLOWED_HOSTS and SITE_URL and turns every security switch on.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from oscar.defaults import *  # noqa: F403  (Oscar's documented way to load its defaults)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="demo")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    SECRET_KEY = env.str("SECRET_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    SITE_URL = env.str("SITE_URL")
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="demo-only-insecure-key-change-me-" + "x" * 20)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
    DEBUG = env.bool("DEBUG", default=True)
# Where the site is reached, for links in e-mails (which have no request to build them from).
SITE_URL = SITE_URL.rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets the site's Indonesian 403 page, not Django's English one.
CSRF_FAILURE_VIEW = "marketplace.common.errors.csrf_failure"

# --- Applications -----------------------------------------------------------

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.humanize",
    # Project apps first, so their templates and translations win.
    "marketplace.common.apps.CommonConfig",
    "marketplace.accounts.apps.AccountsConfig",
    "marketplace.regions.apps.RegionsConfig",
    "vendors.apps.VendorsConfig",
    "vendors.census.apps.CensusConfig",
    "procurement.units.apps.UnitsConfig",
    "procurement.budgets.apps.BudgetsConfig",
    "procurement.ceilings.apps.CeilingsConfig",
    "procurement.ordering.apps.OrderingConfig",
    "procurement.settlement.apps.SettlementConfig",
    "procurement.guide.apps.GuideConfig",
    "procurement.transparency.apps.TransparencyConfig",
    "procurement.bench.apps.BenchConfig",
    # Oscar, with the project's forks in the packages that own them.
    "oscar.config.Shop",
    "oscar.apps.analytics.apps.AnalyticsConfig",
    "procurement.checkout.apps.CheckoutConfig",
    "oscar.apps.address.apps.AddressConfig",
    "marketplace.shipping.apps.ShippingConfig",
    "marketplace.catalogue.apps.CatalogueConfig",
    "oscar.apps.catalogue.reviews.apps.CatalogueReviewsConfig",
    "oscar.apps.communication.apps.CommunicationConfig",
    "marketplace.partner.apps.PartnerConfig",
    "marketplace.basket.apps.BasketConfig",
    "marketplace.payment.apps.PaymentConfig",
    "oscar.apps.offer.apps.OfferConfig",
    "marketplace.order.apps.OrderConfig",
    "marketplace.customer.apps.CustomerConfig",
    "oscar.apps.search.apps.SearchConfig",
    "oscar.apps.voucher.apps.VoucherConfig",
    "oscar.apps.wishlists.apps.WishlistsConfig",
    "marketplace.dashboard.apps.DashboardConfig",
    "oscar.apps.dashboard.reports.apps.ReportsDashboardConfig",
    "oscar.apps.dashboard.users.apps.UsersDashboardConfig",
    "oscar.apps.dashboard.orders.apps.OrdersDashboardConfig",
    "oscar.apps.dashboard.catalogue.apps.CatalogueDashboardConfig",
    "oscar.apps.dashboard.offers.apps.OffersDashboardConfig",
    "oscar.apps.dashboard.partners.apps.PartnersDashboardConfig",
    "oscar.apps.dashboard.pages.apps.PagesDashboardConfig",
    "oscar.apps.dashboard.ranges.apps.RangesDashboardConfig",
    "oscar.apps.dashboard.reviews.apps.ReviewsDashboardConfig",
    "oscar.apps.dashboard.vouchers.apps.VouchersDashboardConfig",
    "oscar.apps.dashboard.communications.apps.CommunicationsDashboardConfig",
    "oscar.apps.dashboard.shipping.apps.ShippingDashboardConfig",
    # Third-party apps Oscar depends on.
    "widget_tweaks",
    "haystack",
    "treebeard",
    "sorl.thumbnail",
    "django_tables2",
    # Accounts: django-allauth only, with two-factor.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "csp",
]

SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "marketplace.common.csp.CSPMiddleware",  # django-csp's, see the Content-Security-Policy block
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "marketplace.common.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "marketplace.common.cache_headers.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "marketplace.accounts.middleware.StaffTwoFactorMiddleware",
    "oscar.apps.basket.middleware.BasketMiddleware",
    "marketplace.common.input_guard.RefuseNulMiddleware",  # 400 for NUL bytes in the request
    "django.contrib.flatpages.middleware.FlatpageFallbackMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.template.context_processors.i18n",
                "django.contrib.messages.context_processors.messages",
                "oscar.apps.search.context_processors.search_form",
                "oscar.apps.checkout.context_processors.checkout",
                "oscar.apps.communication.notifications.context_processors.notifications",
                "oscar.core.context_processors.metadata",
                "marketplace.common.context_processors.site_flags",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # The demo is used by several people at once: WAL lets readers go on while one writes,
    # writers wait for each other (busy timeout) instead of failing with "database is locked",
    # and IMMEDIATE transactions take the write lock at BEGIN, so a read-then-write
    # transaction never deadlocks on the lock upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        timeout=20,
        transaction_mode="IMMEDIATE",
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # PostgreSQL's default random_page_cost (4) models spinning disks: with it the planner
    # scans every product to test a common search word ("nasi" matches a quarter of the
    # catalogue) instead of reading the full-text index, 4x slower on SSD storage. Servers on
    # SSD (every managed PostgreSQL today) want about 1.1; set it empty to keep the server's.
    _page_cost = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
    if _page_cost:
        try:
            _page_cost = float(_page_cost)
        except ValueError:
            raise ImproperlyConfigured(
                f"DATABASE_RANDOM_PAGE_COST must be a number like 1.1 (or empty), not {_page_cost!r}."
            ) from None
        _options = DATABASES["default"].setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c random_page_cost={_page_cost}".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files ------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "marketplace" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Personal documents (KTP, NIB...) live apart from MEDIA_ROOT and are never served by URL.
PRIVATE_MEDIA_ROOT = Path(env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private")))

AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    _s3 = {
        "bucket_name": AWS_STORAGE_BUCKET_NAME,
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("AWS_S3_REGION_NAME", default=None),
    }
    STORAGES = {
        "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {**_s3, "location": "media"}},
        "private": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                **_s3,
                "bucket_name": env.str("AWS_PRIVATE_BUCKET_NAME", default=AWS_STORAGE_BUCKET_NAME),
                "location": "private",
                "default_acl": "private",
                "querystring_auth": True,
            },
        },
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        },
    }
STORAGES["staticfiles"] = {
    "BACKEND": (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    )
}
# Outside production the site serves its own files whatever DEBUG says (`make run` turns DEBUG
# off so the demo shows the real error pages): static files through WhiteNoise straight from the
# apps' folders (no collectstatic, edits seen at once), uploads from MEDIA_ROOT (config/urls.py).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
SERVE_MEDIA = not PRODUCTION and not AWS_STORAGE_BUCKET_NAME
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- E-mail -----------------------------------------------------------------

EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Gulo Asem <noreply@guloasem.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OSCAR_FROM_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts (django-allauth) ---------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One e-mail address per account. A new one is added beside it unverified, and replaces it only
# once confirmed from its own mailbox; until then logins and notifications use the old one.
# Oscar's profile form has no e-mail field (marketplace.customer.forms).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Gulo Asem] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
ACCOUNT_ADAPTER = "marketplace.accounts.adapter.AccountAdapter"
# A whole office may log in from one address: failed logins are limited strictly per account
# (5 in 5 minutes) and loosely per address (60 a minute), so one person's mistakes lock out
# only their own account; the refusal says when to try again (marketplace.accounts.adapter).
ACCOUNT_RATE_LIMITS = {
    "login": "120/m/ip",
    "login_failed": "60/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Gulo Asem"
MFA_RECOVERY_CODE_COUNT = 10
# Staff roles (PPK, Bendahara, Verifikator, Analis, Admin) must set up two-factor
# before using the site. Always on in production; the local demo may turn it off.
STAFF_MFA_REQUIRED = True if PRODUCTION else env.bool("STAFF_MFA_REQUIRED", default=True)

# --- Internationalisation ---------------------------------------------------

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Indonesian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Oscar --------------------------------------------------------------------

OSCAR_SHOP_NAME = "Gulo Asem"
OSCAR_SHOP_TAGLINE = _("Semarang's MSMEs for the city's government units")
OSCAR_HOMEPAGE = "/"
OSCAR_DEFAULT_CURRENCY = "IDR"
# One place formats every price: Oscar's currency filter reads this.
OSCAR_CURRENCY_FORMAT = {
    "IDR": {"format": "Rp #,##0", "currency_digits": False, "locale": "id_ID"},
}
OSCAR_ALLOW_ANON_CHECKOUT = False
OSCAR_SEND_REGISTRATION_EMAIL = False
OSCAR_REQUIRED_ADDRESS_FIELDS = ("first_name", "line1", "line4")
OSCAR_PRODUCTS_PER_PAGE = 24
OSCAR_HIDDEN_FEATURES = ["reviews", "wishlists"]
OSCAR_MISSING_IMAGE_URL = "image_not_found.jpg"
THUMBNAIL_DEBUG = False
THUMBNAIL_KVSTORE = "sorl.thumbnail.kvstores.cached_db_kvstore.KVStore"

# Oscar's haystack search is not used for browsing (django-oscar issue 4366):
# the catalogue lists products straight from the database.
HAYSTACK_CONNECTIONS = {"default": {"ENGINE": "haystack.backends.simple_backend.SimpleEngine"}}
HAYSTACK_SIGNAL_PROCESSOR = "haystack.signals.BaseSignalProcessor"  # no index to keep up to date
OSCAR_EAGER_ALERTS = False  # made-to-order food: no stock alerts

# Order statuses and the moves between them: one table, procurement.ordering.lifecycle (a
# module that needs no app registry); Oscar's Order.set_status enforces the pipeline made from it.
from procurement.ordering.lifecycle import OrderStatus as _OrderStatus  # noqa: E402
from procurement.ordering.lifecycle import oscar_pipeline as _oscar_pipeline  # noqa: E402

OSCAR_INITIAL_ORDER_STATUS = _OrderStatus.AWAITING_VENDOR.value
OSCAR_ORDER_STATUS_PIPELINE = _oscar_pipeline()
OSCAR_ORDER_STATUS_CASCADE = {}

# --- Ordering rules ---------------------------------------------------------------

ORDER_MAX_TOTAL_IDR = env.int("ORDER_MAX_TOTAL_IDR", default=50_000_000)
# Days after the BAST within which a unit should pay its invoice (the payables' overdue badge).
PAYMENT_TARGET_DAYS = env.int("PAYMENT_TARGET_DAYS", default=14)
VENDOR_CONFIRM_HOURS = env.int("VENDOR_CONFIRM_HOURS", default=24)
# An MSME may mark an order delivered from its delivery day, or this many hours before that
# day begins (an early-morning delivery is loaded the evening before).
ORDER_DELIVERED_SLACK_HOURS = env.int("ORDER_DELIVERED_SLACK_HOURS", default=3)
# Pemerataan's rotation: a unit places at most this many orders with one MSME in a calendar
# month (city time; declined, cancelled and expired orders do not count). 0 switches it off.
# The fairness simulation (docs/performance.md, "Fairness") measured what it does to the spread.
ORDER_ROTATION_MONTHLY_LIMIT = env.int("ORDER_ROTATION_MONTHLY_LIMIT", default=4)

# --- City ---------------------------------------------------------------------

# The city pack: a folder of CSV files (docs/city-pack.md). Semarang's ships in the repository.
DEFAULT_CITY_PACK_DIR = BASE_DIR / "procurement" / "units" / "city_packs" / "semarang"
CITY_PACK_DIR = Path(env.str("CITY_PACK_DIR", default=str(DEFAULT_CITY_PACK_DIR)))
CITY_CODE = env.str("CITY_CODE", default="33.74")

# --- Stripe (card payments; marketplace.payment.stripe_gateway, docs/stripe.md) ----------
# Empty keys: card payment is not offered (stripe_configured() is false). Keys are secrets:
# they come from the environment only and are never logged.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com").rstrip("/")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env.int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", default=300)
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20)
STRIPE_MAX_NETWORK_RETRIES = env.int("STRIPE_MAX_NETWORK_RETRIES", default=2)
# Demo only: the local fake of Stripe (`manage.py stripe_fake`), used when no real key is set.
STRIPE_FAKE = env.bool("STRIPE_FAKE", default=False)
STRIPE_FAKE_URL = env.str("STRIPE_FAKE_URL", default="http://127.0.0.1:12111").rstrip("/")
STRIPE_FAKE_WEBHOOK_URL = env.str("STRIPE_FAKE_WEBHOOK_URL", default="")  # where the fake posts events
if STRIPE_FAKE and PRODUCTION:
    raise ImproperlyConfigured("STRIPE_FAKE is for the demo only; unset it in production.")
if STRIPE_FAKE and not STRIPE_SECRET_KEY:
    STRIPE_SECRET_KEY = "sk_test_fake"
    STRIPE_PUBLISHABLE_KEY = STRIPE_PUBLISHABLE_KEY or "pk_test_fake"
    STRIPE_WEBHOOK_SECRET = "whsec_fake"
    STRIPE_API_BASE = STRIPE_FAKE_URL

# --- End of Stripe --------------------------------------------------------------------

# --- Content-Security-Policy (django-csp) ---------------------------------------
# On every response. Scripts and styles come from this site only; the few inline <script>
# blocks carry the request's nonce ({{ CSP_NONCE }}, templates/oscar/base.html). No inline
# style attributes and no on...= handlers anywhere (classes in gulo/site.css, gulo/site.js).

from urllib.parse import urlsplit  # noqa: E402

from csp.constants import NONCE, NONE, SELF  # noqa: E402


def csp_stripe_form_origins(api_base: str, fake: bool = False, fake_url: str = "") -> list[str]:
    """Where a form may lead besides this site: Stripe Checkout's page, and the local fake's.

    "Pay by card" posts to the site, which answers with a redirect to the hosted payment page;
    Chromium holds that redirect to `form-action` too. With the fake (STRIPE_FAKE, or an API
    base that is not Stripe's) the page lives at the fake's address instead."""
    origins = ["https://checkout.stripe.com"]
    for url in ([fake_url] if fake else []) + [api_base]:
        parts = urlsplit(url or "")
        host = parts.hostname or ""
        stripe_own = host == "stripe.com" or host.endswith(".stripe.com")
        if parts.scheme not in ("http", "https") or not host or stripe_own:
            continue
        origin = f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")
        if origin not in origins:
            origins.append(origin)
    return origins


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF, *csp_stripe_form_origins(STRIPE_API_BASE, STRIPE_FAKE, STRIPE_FAKE_URL)],
    },
}
# Oscar's dashboard (staff only) writes style="..." attributes: allowed there, scripts not.
CSP_STYLE_ATTRIBUTES_ALLOWED_UNDER = ("/dashboard/",)

# --- End of Content-Security-Policy -----------------------------------------------

# --- Background work (Celery; config/celery.py) -------------------------------------
# Notification e-mails and PDF rendering run as tasks, queued when the transaction commits.
# With CELERY_BROKER_URL (Redis) set they go to a worker (`celery -A config worker`); without
# it they run inline, in the request, as if called directly (errors propagate as before).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True  # no result backend: tasks are fire and forget
CELERY_TASK_SERIALIZER = "json"  # tasks take ids, never model instances
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
# A message is acknowledged after its task ran, so a worker killed mid-task leaves it queued
# for another (an e-mail may then go twice rather than never); one message fetched at a time.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=90)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# --- End of Background work ------------------------------------------------------------

# --- API (Django REST Framework, drf-spectacular; procurement/transparency/api, docs/open-data.md) ---
# Public endpoints (spending, rapor, OCDS, catalogue) answer anyone; the person's own orders need a
# session or a token (made on /api/token/ after logging in, two-factor included). Every answer is
# JSON, every list is paginated, every client is throttled on the configured cache.

INSTALLED_APPS += ["rest_framework", "rest_framework.authtoken", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "procurement.transparency.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "procurement.transparency.api.throttling.AnonThrottle",
        "procurement.transparency.api.throttling.UserThrottle",
    ],
    "EXCEPTION_HANDLER": "procurement.transparency.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
# Requests per client (address when anonymous, account when logged in): "N/second|minute|hour|day".
API_THROTTLE_RATES = {
    "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
    "user": env.str("API_THROTTLE_USER", default="600/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gulo Asem API",
    "DESCRIPTION": "Belanja katering perangkat daerah Kota Semarang dari UMKM: data terbuka, rapor "
    "pembayaran, OCDS 1.1, katalog, dan pesanan milik pengguna. Lihat docs/open-data.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",  # Swagger UI from the installed drf-spectacular-sidecar, no CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No deep links: Swagger UI would put each operation's link inside its expand button, a control
    # in a control that screen readers cannot reach (axe-core's nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False, "validatorUrl": None},
}
# OCDS: the ocid prefix is registered with the Open Contracting Partnership for production; the
# placeholder marks data that is not yet from a registered publisher.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-xxxxxx")
OCDS_PUBLISHER_NAME = env.str("OCDS_PUBLISHER_NAME", default="Pemerintah Kota Semarang (Gulo Asem)")
OCDS_PUBLISHER_URI = env.str("OCDS_PUBLISHER_URI", default=SITE_URL + "/transparansi/")
OCDS_PUBLICATION_POLICY_URL = env.str(
    "OCDS_PUBLICATION_POLICY_URL", default=SITE_URL + "/transparansi/data/#kebijakan-publikasi"
)
OPEN_DATA_LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
# Public figures are cached this long at most; a payment landing renews them at once.
TRANSPARENCY_CACHE_SECONDS = env.int("TRANSPARENCY_CACHE_SECONDS", default=6 * 3600)

# --- End of API -------------------------------------------------------------------------------

# --- Logging ----------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Production hardening -----------------------------------------------------

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    OSCAR_BASKET_COOKIE_SECURE = True
    OSCAR_RECENTLY_VIEWED_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
