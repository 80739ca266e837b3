"""The one seam through which domain code marks strings for translation.

Messages are lazy so that a rule raised outside a request still renders in the
reader's language when it is finally shown.
"""

from flask_babel import gettext, lazy_gettext, lazy_ngettext, ngettext

_ = gettext
_l = lazy_gettext
_ln = lazy_ngettext  # plural forms (Latvian has three), evaluated when shown

__all__ = ["_", "_l", "_ln", "gettext", "lazy_gettext", "lazy_ngettext", "ngettext"]
