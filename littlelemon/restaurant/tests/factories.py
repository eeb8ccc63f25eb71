from datetime import time

import factory

from littlelemon.restaurant.models import Closure, OpeningHours


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    weekday = 0
    opens = time(11, 0)
    closes = time(22, 0)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    reason = "Holiday"


def open_every_day(opens: time = time(11, 0), closes: time = time(22, 0)) -> None:
    for weekday in range(7):
        OpeningHoursFactory(weekday=weekday, opens=opens, closes=closes)
