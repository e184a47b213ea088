"""The routes `make bench` loads, besides the /ping baseline. Each app adds its pages here."""


def routes() -> list[str]:
    return [
        "/",
        "/healthz",
        "/accounts/login/",
    ]
