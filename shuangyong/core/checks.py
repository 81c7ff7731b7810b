"""Deploy checks of our own: encryption keys, and a shared cache under kept pages."""

from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def encryption_keys_configured(app_configs, **kwargs):
    from shuangyong.core import crypto

    try:
        crypto.key_ring()
    except ImproperlyConfigured as exc:
        return [
            Error(
                str(exc), hint="shuangyong keys init, or set SHUANGYONG_KEYS", id="shuangyong.E001"
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def page_cache_shared(app_configs, **kwargs):
    """Kept pages are invalidated through the cache: every process must see the same one."""
    from django.conf import settings

    if settings.PAGE_CACHE and not settings.SHARED_CACHE:
        return [
            Error(
                "PAGE_CACHE is on with a per-process cache: a write in one process would not "
                "end the pages another process keeps",
                hint="set REDIS_URL, or PAGE_CACHE=0",
                id="shuangyong.E002",
            )
        ]
    return []
