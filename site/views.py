from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import CsrfViewMiddleware
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from district import languages, search
from district.forms import ProfileForm
from district.models import Profile
from district.translation import preferences as translation_preferences


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return "/"
    return target


@csrf_exempt  # anonymous pages are cached without a token; signed-in requests are checked below
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; remembered in a cookie and, when signed in, in the profile."""
    if request.user.is_authenticated:
        refused = CsrfViewMiddleware(lambda r: None).process_view(request, None, (), {})
        if refused is not None:
            return refused
    code = request.POST.get("language", "")
    response = HttpResponseRedirect(_safe_next(request))
    if not languages.is_supported(code):
        messages.error(
            request,
            _("Sorry, “%(code)s” is not a language this site offers.")
            % {"code": code[:20]},
        )
        return response
    translation.activate(code)
    languages.remember(request, response, code)
    return response


@login_required
def profile_edit(request: HttpRequest) -> HttpResponse:
    profile, _created = Profile.objects.get_or_create(
        user=request.user, defaults={"display_name": f"user{request.user.pk}"}
    )
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile = form.save()
        translation_preferences.remember(request, profile.always_translate)
        response = HttpResponseRedirect(request.path)
        if profile.language:
            translation.activate(profile.language)
            languages.remember(request, response, profile.language)
        messages.success(request, _("Your profile has been saved."))
        return response
    return render(request, "district/profile_edit.html", {"form": form})


def search_view(request: HttpRequest) -> HttpResponse:
    """Search everything the registered sources offer; only the page shown is described."""
    query = request.GET.get("q", "").strip()[:100]
    dongs = search.dong_choices()
    chosen = request.GET.get("dong", "")
    dong = next((d for d in dongs if d.slug == chosen), None)
    # One more than listed: "more than 500 results" is then true, never a guess.
    hits = (
        search.find(query, reader=request.user, dong=dong, limit=search.LIMIT + 1)
        if query
        else []
    )
    capped = len(hits) > search.LIMIT
    hits = hits[: search.LIMIT]
    page = Paginator(hits, 20).get_page(request.GET.get("page"))
    page.object_list = search.describe(page.object_list, reader=request.user)
    return render(
        request,
        "district/search.html",
        {
            "query": query,
            "page_obj": page,
            "dongs": dongs,
            "dong": dong,
            "count": len(hits),
            "capped": capped,
        },
    )


def healthz(request: HttpRequest) -> HttpResponse:
    """A trivial view behind the full middleware stack: for load balancers, and the benchmarks' baseline."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home_dong(request: HttpRequest) -> HttpResponse:
    """One tap from the header to the resident's own association (or to the profile, to choose one)."""
    profile = (
        Profile.objects.filter(user=request.user).select_related("home_dong").first()
    )
    page = profile.home_dong if profile is not None else None
    if page is None or not page.live:
        messages.info(request, _("Choose your neighbourhood in your profile."))
        return HttpResponseRedirect(reverse("profile_edit"))
    return HttpResponseRedirect(page.url)
