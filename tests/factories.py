import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from events.models import Topic
from trec.accounts.models import District, GradeBand, School, User
from trec.accounts.roles import COORDINATORS_GROUP

PASSWORD = "correct-horse-battery-staple"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Test District {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = District.Kind.DISTRICT


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    district = factory.SubFactory(DistrictFactory)
    name = factory.Sequence(lambda n: f"Test Elementary School {n}")


class TopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Topic
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password(PASSWORD)
    role = User.Role.TEACHER
    onboarded_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        """Users can sign in: their e-mail address is verified (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class EducatorFactory(UserFactory):
    district = factory.SubFactory(DistrictFactory)
    school = factory.SubFactory(SchoolFactory, district=factory.SelfAttribute("..district"))
    years_experience = 5
    students_served = 25

    @factory.post_generation
    def grade_bands(self, create, extracted, **kwargs):
        if create:
            self.grade_bands.set(extracted or GradeBand.objects.filter(code="k-2"))


class CoordinatorFactory(UserFactory):
    is_staff = True
    role = User.Role.STAFF

    @factory.post_generation
    def coordinators_group(self, create, extracted, **kwargs):
        if create:
            self.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
