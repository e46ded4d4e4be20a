"""Voice letters (亲情语音信) and the families' own answers to notices."""

from __future__ import annotations

from bot.buttons.fields import Id, OfChild, UserId
from bot.callback_data import Button


class LetterMenu(OfChild, layout="vl:m:{child}"): ...  # the card's letters: the latest, answers to play, a new one


class LetterNew(OfChild, layout="vl:n:{child}"): ...  # record a new letter for the child's parents


class LetterAnswer(Button, layout="vl:a:{letter}"):  # a parent answers a letter
    letter: Id


class LetterPlay(Button, layout="vl:p:{answer}"):  # play a parent's answer to the child
    answer: Id


class NoticeReply(Button, layout="nr:{notice}"):  # a family answers a notice in its own words, voice or photo
    notice: Id


class NoticeHear(Button, layout="nh:{notice}:{user}"):  # the sender hears (or sees) one family's answer
    notice: Id
    user: UserId


class NoticeAnswerBack(Button, layout="nb:{notice}:{user}"):  # the sender answers one family's answer
    notice: Id
    user: UserId
