"""Following by e-mail, for visitors without an account (pledges.services.following).

The token in a link is the credential, so confirming and cancelling need no login and no
CSRF token: mail programs post to the cancel address themselves (RFC 8058). The form that
asks to follow carries no CSRF token either, so that the public pages it sits on stay the
same for everyone and cacheable; it can only send a confirmation to the address typed, no
more than a few a day.
"""

from __future__ import annotations

from django import forms
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from indicators.models import Area, Objective
from pledges.explorer import public_pledge
from pledges.models import Following, FollowKind
from pledges.services.following import follow_cancel, follow_confirm, follow_request

# Requests one network address may make in an hour, whatever the addresses typed.
REQUESTS_PER_HOUR = 20


class FollowForm(forms.Form):
    email = forms.EmailField(label=_("Your e-mail address"), max_length=254)
    kind = forms.ChoiceField(choices=FollowKind.choices, widget=forms.HiddenInput)
    subject = forms.CharField(max_length=30, widget=forms.HiddenInput)

    def clean(self) -> dict:
        data = super().clean()
        kind, key = data.get("kind"), data.get("subject", "")
        subject = None
        if kind == FollowKind.PLEDGE:
            subject = public_pledge(key)
            if subject is not None and not subject.is_published:
                subject = None
        elif kind == FollowKind.OBJECTIVE and key.isdecimal():
            subject = Objective.objects.filter(number=int(key)).first()
        elif kind == FollowKind.AREA:
            subject = Area.objects.filter(code=key.upper()).first()
        if kind and subject is None:
            raise forms.ValidationError(
                gettext("There is nothing to follow here any more."), code="gone"
            )
        data["subject_object"] = subject
        return data


def _over_limit(request: HttpRequest) -> bool:
    key = f"follow-requests:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, 60 * 60)
    return cache.incr(key) > REQUESTS_PER_HOUR


@csrf_exempt
@require_POST
def follow(request: HttpRequest) -> HttpResponse:
    form = FollowForm(request.POST)
    if _over_limit(request):
        return render(request, "pledges/public/follow_done.html", {"limited": True}, status=429)
    if not form.is_valid():
        return render(request, "pledges/public/follow_done.html", {"form": form}, status=400)
    following = follow_request(
        email=form.cleaned_data["email"], subject=form.cleaned_data["subject_object"]
    )
    return render(
        request,
        "pledges/public/follow_done.html",
        {"subject": form.cleaned_data["subject_object"], "limited": following is None},
        status=200 if following is not None else 429,
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    # A GET only shows the button: link checkers that open every link confirm nothing.
    following = follow_confirm(token=token) if request.method == "POST" else None
    if request.method == "GET":
        following = Following.objects.filter(token=token, cancelled_at=None).first()
    if following is None:
        raise Http404("This link is not valid, or the following was cancelled.")
    return render(
        request,
        "pledges/public/follow_confirm.html",
        {"following": following, "confirmed": following.confirmed_at is not None},
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def follow_cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    if request.method == "POST":
        following = follow_cancel(token=token)
    else:
        following = Following.objects.filter(token=token).first()
    if following is None:
        raise Http404("This link is not valid.")
    return render(request, "pledges/public/follow_cancel.html", {"following": following})
