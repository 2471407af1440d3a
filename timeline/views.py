from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .models import Event


@require_GET
def dashboard(request):
    events = Event.objects.published().select_related("place")
    return render(request, "timeline/dashboard.html", {"events": events})


@require_GET
def event_detail(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return render(request, "timeline/event.html", {"event": event})
