"""``counted_page``: a page of a list with its count in one query, answering odd page
numbers as Django's ``Paginator.get_page`` does."""

import pytest
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.paging import counted_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    User = get_user_model()
    User.objects.bulk_create(User(username=f"reader{number:02d}") for number in range(23))
    return User.objects.order_by("username")


def names(page) -> list[str]:
    return [user.username for user in page]


@pytest.mark.parametrize("number", [None, "", "1", "2", "3"])
def test_a_page_in_range_comes_with_its_count_in_one_query(users, number):
    with CaptureQueriesContext(connection) as captured:
        page = counted_page(users, 10, number)
        count, pages = page.paginator.count, page.paginator.num_pages
    assert len(captured) == 1
    expected = Paginator(users, 10).get_page(number)
    assert (count, pages) == (23, 3)
    assert page.number == expected.number and names(page) == names(expected)
    assert page.has_next() == expected.has_next()


@pytest.mark.parametrize("number", ["99", "0", "-1", "two", "1.5"])
def test_odd_page_numbers_get_what_get_page_gives(users, number):
    page = counted_page(users, 10, number)
    expected = Paginator(users, 10).get_page(number)
    assert page.number == expected.number and names(page) == names(expected)


def test_an_empty_list_has_one_empty_page(db):
    page = counted_page(get_user_model().objects.none().order_by("pk"), 10, None)
    assert page.number == 1 and list(page) == [] and page.paginator.count == 0
