"""Settings shared by every environment. Environment-specific files import from here."""

import sys
from pathlib import Path

import dj_database_url

from .cache_sessions import (
    DEFAULT_REDIS_RETRY_AFTER_SECONDS,
    DEFAULT_REDIS_TIMEOUT_SECONDS,
    caches,
    session_engine,
)
from .database import database_url_variable
from .env import env_bool, env_int, env_list, env_str
from .security_headers import *  # noqa: F403  (CSP, Permissions-Policy, CORP, COOP)

BASE_DIR = Path(__file__).resolve().parent.parent.parent

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "core",
    "portal",
    # Whole public pages for anonymous readers from the cache, purged on publish (pagecache/).
    "pagecache",
    "careteam",
    "audit",
    "patientportal",
    # Secure messages between the patient and their team, per plan (messaging/).
    "messaging",
    # Home exercise programmes: the library in Wagtail, the plan's programme (exercises/).
    "exercises",
    "questionnaires",
    # Plan templates kept in Wagtail by pain-management physicians and editors; a lead starts
    # a plan from one at /care/templates/ (plantemplates/).
    "plantemplates",
    # Logins: lockout (django-axes), password rules and reset, session limits (accounts/).
    "accounts",
    "axes",
    "mfa",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Health checks for supervisors, load balancers and monitoring: /healthz, /readyz (ops/).
    "ops",
    # Background tasks that survive: retries, dead letters, the worker (jobs/).
    "jobs",
    # The JSON API at /api/v1/ and its tokens (api/), HL7 FHIR R4 at /fhir/ (fhir_server/;
    # not "fhir", the namespace of the fhir.resources package);
    # "ninja" serves the API docs' Swagger UI files from this site, not a CDN.
    "api",
    "fhir_server",
    "ninja",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "guardian",
    "django_tasks",
    # The database task queue: its tables exist everywhere, used by production's TASKS.
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cross-Origin-Resource-Policy on every response, static files included.
    "core.middleware.CrossOriginResourcePolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy (nonces: request.csp_nonce) and Permissions-Policy on every
    # page, refusals and errors included (config/settings/security_headers.py).
    "core.middleware.ContentSecurityPolicyMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Pages under PRIVATE_PATH_PREFIXES are never cached, whichever layer below answers.
    "core.middleware.PrivateNoStoreMiddleware",
    # A NUL character in the path, query or form fields is a 400 before any view runs.
    "core.middleware.RejectNulBytesMiddleware",
    # Whole public pages for anonymous readers from the cache; purged on every publish
    # (pagecache/). Before the session: a cached page reads no session.
    "pagecache.middleware.PageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    # Audit events recorded during a request carry its IP address and path.
    "audit.middleware.AuditContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sessions end ACCOUNTS_SESSION_MAX_HOURS after login; notes activity for /accounts/sessions/.
    "accounts.middleware.SessionLifetimeMiddleware",
    # A login that needs its second factor (verify, or enrol) reaches nothing else (mfa/).
    "mfa.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Old blog addresses keep working after a clinic moves its content in.
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Last, as django-axes asks: a locked-out login attempt answers with the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Responses under these paths carry patient data or credentials: "Cache-Control: no-store,
# private" on every one of them (core.middleware.PrivateNoStoreMiddleware).
PRIVATE_PATH_PREFIXES = ("/care/", "/my/", "/accounts/", "/privacy/", "/api/", "/fhir/")

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "core.context_processors.user_navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# DATABASE_URL: the application's role; `migrate` and `grant_app_role` use
# MIGRATION_DATABASE_URL (the owner) when it is set (config/settings/database.py).
DATABASES = {
    "default": dj_database_url.config(
        env=database_url_variable(sys.argv),
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# While the database is out of reach, a page that needs it answers 503 with this Retry-After
# in seconds (core.outage); each request connects afresh, so pages come back with the database.
DATABASE_OUTAGE_RETRY_AFTER = env_int("DATABASE_OUTAGE_RETRY_AFTER", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses any login attempt while its username or address is locked out (axes).
    "accounts.backends.LockoutBackend",
    # Django's ModelBackend, reading profiles with the user and permissions in one query.
    "accounts.backends.AccountBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 10)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Staff logins need ACCOUNTS_STAFF_PASSWORD_MIN_LENGTH characters.
    {"NAME": "accounts.validators.StaffMinimumLengthValidator"},
    # zxcvbn score 3 or more, the user's names and email counted as known words.
    {"NAME": "accounts.validators.StrengthValidator", "OPTIONS": {"min_score": 3}},
]
ACCOUNTS_STAFF_PASSWORD_MIN_LENGTH = env_int("STAFF_PASSWORD_MIN_LENGTH", 12)
# Who counts as staff (accounts.staff: longer passwords, the staff idle timeout, a second
# factor): is_staff, superusers, Wagtail admin access, and these relations on the user and
# groups. The privacy officers read every plan's audit trail (audit.privacy's group).
ACCOUNTS_STAFF_PROFILES = ["provider_profile"]
ACCOUNTS_STAFF_GROUPS = ["Privacy officers"]
# Argon2 first: new and changed passwords use it; older hashes are upgraded at login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Password reset links (accounts/) work once and for this many seconds. Patient invitation
# links keep Django's PASSWORD_RESET_TIMEOUT.
ACCOUNTS_PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_LINK_SECONDS", 60 * 60)
# Reset emails asked for (accounts.reset_limits): at most this many requests per client
# address, and per email address asked for, in each window; over either the page answers as
# always and sends nothing. Counted in the default cache: shared by every process only when
# it is one cache for all (Redis, REDIS_URL below).
ACCOUNTS_RESET_ADDRESS_LIMIT = env_int("PASSWORD_RESET_ADDRESS_LIMIT", 5)
ACCOUNTS_RESET_EMAIL_LIMIT = env_int("PASSWORD_RESET_EMAIL_LIMIT", 3)
ACCOUNTS_RESET_LIMIT_WINDOW = env_int("PASSWORD_RESET_LIMIT_SECONDS", 60 * 60)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "after-login"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static_collected"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Sessions end after 30 idle minutes: automatic logoff for shared clinic computers.
SESSION_COOKIE_AGE = 30 * 60
# Not on every request: accounts.sessions.check writes the last activity (and so slides the
# idle timeout) at most once a minute (SEEN_RESOLUTION), so a busy page saves no session.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
# Idle timeout per kind of login (accounts.sessions sets it at login), and the most a session
# lasts after login however busy.
ACCOUNTS_STAFF_IDLE_MINUTES = env_int("STAFF_IDLE_MINUTES", 15)
ACCOUNTS_IDLE_MINUTES = env_int("PATIENT_IDLE_MINUTES", 30)
ACCOUNTS_SESSION_MAX_HOURS = env_int("SESSION_MAX_HOURS", 12)
# Wrong passwords re-entered on the sessions page before that session itself is ended.
ACCOUNTS_CONFIRM_FAILURE_LIMIT = env_int("CONFIRM_FAILURE_LIMIT", 5)
# Login lockout (django-axes, accounts/lockout.py): an account is locked after
# AXES_FAILURE_LIMIT failures, an address after ACCOUNTS_ADDRESS_FAILURE_LIMIT (a clinic may
# share one); for ACCOUNTS_LOCKOUT_MINUTES, doubling with each lockout that day, at most
# ACCOUNTS_LOCKOUT_MAX_MINUTES. Unlock: `manage.py axes_reset_username NAME`.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
ACCOUNTS_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
ACCOUNTS_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 5)
ACCOUNTS_LOCKOUT_MAX_MINUTES = env_int("LOGIN_LOCKOUT_MAX_MINUTES", 60)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_HANDLER = "accounts.lockout.LockoutHandler"
AXES_COOLOFF_TIME = "accounts.lockout.cool_off"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip_address"
AXES_USERNAME_CALLABLE = "accounts.lockout.counted_username"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Tries during a lockout are refused without counting, so they cannot stretch it for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Who a locked-out user can call; shown on the lockout page and in reset emails.
ACCOUNTS_ADMIN_CONTACT = env_str(
    "CLINIC_ADMIN_CONTACT", "the clinic's administrator at reception or on 0161 496 0000"
)
# Second factor (mfa/): required of staff (accounts.staff: providers, editors, reviewers,
# privacy officers, Wagtail admins) when true; "remember this browser" for that many days
# (0: never); how long a re-entered password (and code) lets a user take a guarded action
# (hand over the lead, switch off portal access).
MFA_REQUIRED_FOR_STAFF = env_bool("MFA_REQUIRED_FOR_STAFF", True)
MFA_REMEMBER_DAYS = env_int("MFA_REMEMBER_DAYS", 30)
STEP_UP_MAX_AGE = env_int("STEP_UP_MAX_AGE", 5 * 60)

# The anonymous page cache (pagecache/): seconds browsers, proxies and CDNs may keep a public
# page (max-age), this server keeps it between purges, and a stale copy may stand in while
# the database is out of reach (stale-if-error).
PAGECACHE_ENABLED = env_bool("PAGECACHE_ENABLED", True)
PAGECACHE_MAX_AGE = env_int("PAGECACHE_MAX_AGE", 60)
PAGECACHE_TIMEOUT = env_int("PAGECACHE_TIMEOUT", 600)
PAGECACHE_STALE_IF_ERROR = env_int("PAGECACHE_STALE_IF_ERROR", 24 * 60 * 60)

# API tokens (api/): calls per token (django-ninja's rate syntax, e.g. "120/m"; 429 with
# Retry-After beyond it) and the longest a token may last.
API_TOKEN_RATE = env_str("API_TOKEN_RATE", "120/m")
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 365)
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "Northbridge Spine & Pain Clinic")
# How long a physician's emergency ("break the glass") read access to a plan lasts.
EMERGENCY_ACCESS_HOURS = env_int("EMERGENCY_ACCESS_HOURS", 4)
# A red-flag alert nobody has acknowledged after this long is escalated to every member of
# the plan's team and to the clinic's on-call address (patientportal.services.escalation).
RED_FLAG_ESCALATE_AFTER_MINUTES = env_int("RED_FLAG_ESCALATE_AFTER_MINUTES", 30)
CLINIC_ON_CALL_EMAIL = env_str("CLINIC_ON_CALL_EMAIL", "")
# A plan is flagged on its team's dashboard when its patient has started this many flares
# within this many days (patientportal.services.flares).
FLARE_FLAG_COUNT = env_int("FLARE_FLAG_COUNT", 3)
FLARE_FLAG_DAYS = env_int("FLARE_FLAG_DAYS", 14)
# Email reminders a patient may turn on (patientportal.services.reminders): none is sent in
# quiet hours ("HH:MM", from, until, in the patient's own time zone; a patient may choose
# their own).
REMINDER_QUIET_HOURS = (
    env_str("REMINDER_QUIET_FROM", "21:00"),
    env_str("REMINDER_QUIET_UNTIL", "08:00"),
)
# The clinic's name in emails a patient's inbox may show to someone else (reminders, notices
# of a new secure message), with no health word in it: a name that says "pain" or "spine"
# would tell whoever sees the inbox what the patient is treated for.
CLINIC_NEUTRAL_NAME = env_str("CLINIC_NEUTRAL_NAME", "Northbridge Clinic")
# After a procedure is done the patient is asked about their pain and relief this many days
# later (0: the same day), per procedure (careteam.models.Procedure values) or "default";
# a relief of at least PROCEDURE_POSITIVE_RELIEF_PERCENT is a positive response
# (patientportal.services.procedure_followups).
PROCEDURE_FOLLOW_UP_DAYS = {"default": (0, 14, 42, 91), "diagnostic_block": (0, 1)}
PROCEDURE_POSITIVE_RELIEF_PERCENT = env_int("PROCEDURE_POSITIVE_RELIEF_PERCENT", 50)
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# REDIS_URL, in every settings module (tests keep their own, test.py): the cache and the
# sessions every web process shares, so any machine behind a load balancer can answer any
# request. Sessions stay rows in the database read through Redis (cached_db: the sessions
# page lists and ends them; why, in cache_sessions.py). Without it: this process's memory
# and sessions in the database. CACHE_KEY_PREFIX: for several sites on one Redis. While Redis
# is out of reach the site carries on from the database (config/redis_cache.py): each wait for
# it is at most REDIS_TIMEOUT_SECONDS, and after a failure it is left alone for
# REDIS_RETRY_AFTER_SECONDS.
REDIS_URL = env_str("REDIS_URL")
REDIS_TIMEOUT_SECONDS = float(env_str("REDIS_TIMEOUT_SECONDS") or DEFAULT_REDIS_TIMEOUT_SECONDS)
REDIS_RETRY_AFTER_SECONDS = float(
    env_str("REDIS_RETRY_AFTER_SECONDS") or DEFAULT_REDIS_RETRY_AFTER_SECONDS
)
CACHES = caches(
    REDIS_URL, env_str("CACHE_KEY_PREFIX", ""), REDIS_TIMEOUT_SECONDS, REDIS_RETRY_AFTER_SECONDS
)
SESSION_ENGINE = session_engine(REDIS_URL)

EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clinic portal <no-reply@clinic.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (emails, alerts, Wagtail's index updates). Immediate in dev and tests;
# production queues it in the database for `manage.py run_worker` (production.py, jobs/).
# Queues (jobs.queues): "urgent" (red flags, first), "default", "bulk" (indexing, last).
TASK_QUEUES = ["urgent", "default", "bulk"]
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASK_QUEUES,
    }
}
# Retried tasks (jobs.retry): tried this many times in all, waiting the base delay after the
# first failure, doubled after each next one, at most the max delay (seconds).
JOBS_RETRY_ATTEMPTS = env_int("TASK_RETRY_ATTEMPTS", 8)
JOBS_RETRY_BASE_DELAY = env_int("TASK_RETRY_DELAY_SECONDS", 30)
JOBS_RETRY_MAX_DELAY = env_int("TASK_RETRY_MAX_DELAY_SECONDS", 30 * 60)
# A task RUNNING this long was left by a dead worker; the worker looks for such tasks at
# start and at this interval (jobs.stranded).
JOBS_STRANDED_AFTER = env_int("TASK_STRANDED_AFTER_SECONDS", 10 * 60)
JOBS_STRANDED_CHECK_INTERVAL = env_int("TASK_STRANDED_CHECK_SECONDS", 60)
# While the database is unreachable the worker tries again after this delay, doubled at
# each failure up to the max (seconds).
JOBS_OUTAGE_BASE_DELAY = 1
JOBS_OUTAGE_MAX_DELAY = env_int("TASK_WORKER_OUTAGE_MAX_DELAY_SECONDS", 30)
# /readyz answers 503 once the oldest urgent task (a red-flag email) has waited this long,
# in seconds: the worker is dead or swamped. 0: report its age only (ops.readiness).
READY_URGENT_MAX_AGE_SECONDS = env_int("READY_URGENT_MAX_AGE_SECONDS", 120)

# Wagtail
WAGTAIL_SITE_NAME = env_str("WAGTAIL_SITE_NAME", "Northbridge Spine & Pain Clinic")
# The number to call in an emergency, as every page's footer and urgent advice gives it
# ({% emergency_number %} from core's clinic_tags). tests/test_core_clinic_details.py and
# tests/test_portal_import_parser.py check that templates and demo articles spelling it out
# say the same.
CLINIC_EMERGENCY_NUMBER = env_str("CLINIC_EMERGENCY_NUMBER", "999")
# Where a patient whose PHQ-9 answer shows thoughts of self-harm is sent at once, beside the
# emergency number (patientportal's crisis advice, {% crisis_line %} / {% national_helpline %}).
CLINIC_CRISIS_LINE = env_str(
    "CLINIC_CRISIS_LINE", "the clinic's crisis line, 0161 496 0999 (every day, 8am to 10pm)"
)
NATIONAL_HELPLINE = env_str(
    "NATIONAL_HELPLINE",
    "NHS 111, option 2 (mental health crisis), or Samaritans on 116 123, free at any hour",
)
WAGTAILADMIN_BASE_URL = env_str("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "wagtail.search.backends.database", "AUTO_UPDATE": True}
}
WAGTAIL_WORKFLOW_ENABLED = True
# Private pages send visitors to the site's own login page, not Wagtail's.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# The Wagtail admin logs in (and resets passwords) through the site's pages too, so every
# login passes the same lockout, password rules and session limits.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "txt"]
PORTAL_WORDS_PER_MINUTE = 238
PORTAL_TARGET_READING_GRADE = 8

# django-guardian: no anonymous user object; anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False

# Audit trail: how many reverse proxies in front of the app append to X-Forwarded-For.
# 0 (the default) trusts only REMOTE_ADDR.
AUDIT_TRUSTED_PROXY_COUNT = env_int("AUDIT_TRUSTED_PROXY_COUNT", 0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}
