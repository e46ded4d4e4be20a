"""The surveys' buttons: writing and sending a questionnaire, following it, answering it, confirming a change."""

from __future__ import annotations

from typing import Literal

from bot.buttons.fields import Binary, FormPick, Id, Nonce, Step
from bot.callback_data import Button


class SurveyNew(Button, layout="sv:new"): ...  # write or pick a questionnaire


class SurveyList(Button, layout="sv:list"): ...  # the questionnaires one sent


class SurveyPick(FormPick, layout="sv:p:{nonce}:{step}:{value}"): ...  # the questionnaire, then its audience


class SurveyAction(Button, layout="sv:{action}:{nonce}"):  # go: send
    action: Literal["go"]
    nonce: Nonce


class SurveyStatus(Button, layout="sv:s:{survey}"):  # who has not answered, by class, and the counts
    survey: Id


class SurveySheet(Button, layout="sv:x:{survey}"):  # the answers as a sheet
    survey: Id


class SurveyAnswer(Button, layout="sa:{request}:{question}:{choice}"):  # one answer of one questionnaire
    request: Id
    question: Step
    choice: Step


class SurveyDecide(Button, layout="sd:{proposal}:{confirm}"):  # the head teacher confirms or declines a change
    proposal: Id
    confirm: Binary


class SurveyCounty(Button, layout="sv:k"): ...  # the county's re-screening answers, school by school
