"""The buttons of care activities (/activity), of the guardians' consent to activity photos, and of paper letters."""

from __future__ import annotations

from bot.buttons.fields import Binary, Id, InFlow, OfChild
from bot.callback_data import Button
from bot.domain.activities import ActivityKind as Kind


class ActivityKind(InFlow, layout="ac:k:{nonce}:{kind}"):
    kind: Kind


class ActivityDate(InFlow, layout="ac:dt:{nonce}:{days_ago}"):
    days_ago: Binary


class ActivityClass(InFlow, layout="ac:c:{nonce}:{klass}"):  # the class whose children are tapped next
    klass: Id


class ActivityToggle(InFlow, layout="ac:t:{nonce}:{child}"):  # a child took part, or not after all
    child: Id


class ActivityClasses(InFlow, layout="ac:cs:{nonce}"): ...  # children of another class too


class ActivityDone(InFlow, layout="ac:d:{nonce}"): ...  # everyone who took part is tapped


class ActivityNoPhoto(InFlow, layout="ac:np:{nonce}"): ...


class PhotoConsent(OfChild, layout="pv:ph:{child}:{given}"):  # /mydata: agree to activity photos, or withdraw
    given: Binary


class MailboxPaper(Button, layout="mb:pp:{school}"):  # a counsellor types in a paper letter to this school
    school: Id
