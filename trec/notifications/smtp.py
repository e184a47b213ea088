"""SMTP with a commit point: a hook runs right before the final "." of DATA.

An SMTP server takes responsibility for a message when it receives the final "." of
DATA; everything before it can be abandoned (a dropped connection discards the
transaction), everything after it cannot. The outbox commits "this row is being
handed over" in that hook, so a worker killed at any moment leaves either a pending
row for a message the server never got (sent again later), or a row it knows was
handed over (never sent again) — the only gap left is the one between that COMMIT and
writing the "." itself.

Delivery uses this backend in place of Django's SMTP backend (same settings); other
backends (console, locmem in tests) have no hook and keep the one-transaction path.
"""

import smtplib
import socket
from collections.abc import Callable

from django.core.mail.backends.smtp import EmailBackend as DjangoSMTPBackend


class CommitPointMixin:
    #: Called once the message body is written, right before the final ".".
    before_final_dot: Callable[[], None] | None = None

    def data(self, msg):
        # The "." goes out as its own small write after a COMMIT: without TCP_NODELAY,
        # Nagle's algorithm would hold it back until the server's delayed ACK (~40 ms).
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.putcmd("data")
        code, reply = self.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, reply)
        if isinstance(msg, str):
            msg = smtplib._fix_eols(msg).encode("ascii")
        quoted = smtplib._quote_periods(msg)
        if quoted[-2:] != smtplib.bCRLF:
            quoted += smtplib.bCRLF
        self.send(quoted)
        if self.before_final_dot is not None:
            self.before_final_dot()
        self.send(b"." + smtplib.bCRLF)
        return self.getreply()


class CommitPointSMTP(CommitPointMixin, smtplib.SMTP):
    pass


class CommitPointSMTPSSL(CommitPointMixin, smtplib.SMTP_SSL):
    pass


class EmailBackend(DjangoSMTPBackend):
    """Django's SMTP backend over the commit-point SMTP classes."""

    @property
    def connection_class(self):
        return CommitPointSMTPSSL if self.use_ssl else CommitPointSMTP


DJANGO_SMTP = "django.core.mail.backends.smtp.EmailBackend"
COMMIT_POINT_SMTP = f"{__name__}.EmailBackend"


def backend_for(email_backend: str) -> str:
    """The backend notifications use for EMAIL_BACKEND: ours instead of Django's SMTP."""
    return COMMIT_POINT_SMTP if email_backend == DJANGO_SMTP else email_backend
