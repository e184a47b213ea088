"""The thank-you posts an educator signed and the hearts they gave (trec.privacy)."""

from trec import privacy

from .models import Post, Reaction


@privacy.section("gratitude_posts", order=60)
def posts(user) -> list[dict]:
    rows = Post.objects.filter(author=user).select_related("wall").order_by("created_at")
    return [
        privacy.record(
            wall=post.wall.title,
            to=post.recipient_name,
            school=post.recipient_school,
            message=post.message,
            signed=post.author_name,
            anonymous=post.is_anonymous,
            status=post.get_status_display(),
            sent=post.created_at,
        )
        for post in rows
    ]


@privacy.section("gratitude_hearts", order=70)
def hearts(user) -> list[dict]:
    reactions = (
        Reaction.objects.filter(user=user)
        .select_related("post", "post__wall")
        .order_by("created_at", "pk")
    )
    return [
        privacy.record(
            wall=reaction.post.wall.title, to=reaction.post.recipient_name, at=reaction.created_at
        )
        for reaction in reactions
    ]


@privacy.eraser()
def unsign_posts(user, *, now) -> None:
    """Posts they signed stay on the wall (they were written for someone else), unsigned."""
    Post.objects.filter(author=user).update(author=None, author_name="", is_anonymous=True)
