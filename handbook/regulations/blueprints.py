"""The regulations library's two audiences, one blueprint each: readers (`regulations`: search, documents,
articles, bookmarks) and those who publish — committee staff and admins (`regulations_manage`: write or import a
document, preview, publish, change its status)."""
from flask import Blueprint, abort, request

from handbook.core.i18n import gettext as _
from handbook.regulations import files

reader_bp = Blueprint("regulations", __name__, url_prefix="/regulations")
manage_bp = Blueprint("regulations_manage", __name__, url_prefix="/regulations")
UPLOAD_SLACK = 256 * 1024  # form fields and multipart framing on top of the file itself


@manage_bp.before_request
def refuse_oversize_uploads():
    """Refuse a too-large upload from its Content-Length, before anything reads the body."""
    if request.method == "POST" and (request.content_length or 0) > files.MAX_UPLOAD_BYTES + UPLOAD_SLACK:
        abort(413, _("Tệp tải lên quá lớn: tối đa %(mb)d MB.", mb=files.MAX_UPLOAD_BYTES // (1024 * 1024)))
