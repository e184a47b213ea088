"""The routes `make bench` loads, besides the /ping baseline. Each app adds its pages here.

`sample` comes from bench/sample.py, run inside Django: real slugs from the seeded data.
"""


def routes(sample: dict) -> list[str]:
    return [
        "/",
        "/healthz",
        "/events/",
        "/events/?q=literacy",
        "/events/?q=trauma+infromed",  # a typo: trigram similarity
        "/events/?kind=webinar&grade=k-2&cost=free",
        "/events/?topic=social-emotional-learning&format=in_person&sort=newest&page=3",
        f"/events/{sample['event_slug']}/",
        f"/events/{sample['event_slug']}/calendar.ics",
        "/providers/",
        f"/providers/{sample['provider_slug']}/",
    ]
