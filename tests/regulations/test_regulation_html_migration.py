"""Regulation HTML stored before the sanitiser refused the author's class and id is cleaned by migration 0013;
the renderer's own Khoản/Điểm blocks keep theirs."""
from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import update

from handbook.extensions import db
from handbook.regulations.models import Article, Document

FAKE = '<span class="flash flash-error">Tài khoản sẽ bị khóa</span>'


def test_stored_html_loses_the_authors_classes_and_ids(app, factory):
    document = factory.document(body="Điều 1. Thử\n1. Khoản một\na) điểm a")
    factory.commit()
    article = document.articles[0]
    old = f'<div class="khoan" id="k1"><p>1. Khoản một {FAKE}</p><div class="diem" id="k1-a"><p>a) điểm a</p>' \
          f'<div class="flash" id="noi-dung">x</div></div></div>'
    db.session.execute(update(Article).where(Article.id == article.id).values(body_html=old))
    db.session.execute(update(Document).where(Document.id == document.id).values(preamble_html=f"<p>{FAKE}</p>"))
    db.session.commit()

    downgrade(revision="0012_import_previews")
    upgrade()

    db.session.expire_all()
    assert db.session.get(Article, article.id).body_html == (
        '<div class="khoan" id="k1"><p>1. Khoản một <span>Tài khoản sẽ bị khóa</span></p>'
        '<div class="diem" id="k1-a"><p>a) điểm a</p><div>x</div></div></div>')
    assert db.session.get(Document, document.id).preamble_html == "<p><span>Tài khoản sẽ bị khóa</span></p>"
