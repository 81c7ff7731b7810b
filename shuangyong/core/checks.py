"""Deploy checks of our own: a production server must have its encryption keys."""

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
