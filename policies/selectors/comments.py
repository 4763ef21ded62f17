"""A workshop's comment threads, with authors named by the visibility policy's rule for the reader.

The workshop's threads and every export (the PDF's annex, the workbook's sheet, the CSV and the case file's
JSON) read the comments here, so that which comments a reader gets, and how their authors are named, is
decided once: authors by `Visibility.label` (an alias where the reader may see identities, else
"Participant 3") and `Visibility.key` in files.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from policies.formatting import display_name
from policies.models import Comment, Exercise
from policies.selectors.visibility import Visibility


@dataclass(frozen=True)
class CommentNode:
    comment: Comment
    author: str
    replies: list["CommentNode"]


def visible_comments(exercise: Exercise, visibility: Visibility) -> list[Comment]:
    """The exercise's comments this viewer may read, oldest first: all of them for a facilitator (hidden ones
    marked as such), and for everybody else all but those the facilitator hid, with the replies under them."""
    comments = list(
        Comment.objects.filter(exercise=exercise)
        .select_related("author", "option", "criterion")
        .order_by("pk")
    )
    if visibility.facilitator:
        return comments
    hidden: set[int] = set()
    shown = []
    for c in comments:  # a reply always comes after its parent
        if c.hidden or (c.parent_id is not None and c.parent_id in hidden):
            hidden.add(c.pk)
        else:
            shown.append(c)
    return shown


def comment_threads(exercise: Exercise, visibility: Visibility) -> dict[str, list[CommentNode]]:
    """Threads by subject label ("Option: …", "Criterion: …"), pinned comments first in each, as
    `visible_comments` lets this viewer read them."""
    comments = visible_comments(exercise, visibility)
    nodes = {c.pk: CommentNode(c, visibility.label(c.author), []) for c in comments}
    threads: dict[str, list[CommentNode]] = {}
    for c in comments:
        if c.parent_id:
            if c.parent_id in nodes:
                nodes[c.parent_id].replies.append(nodes[c.pk])
            continue
        if c.option_id and c.option is not None:
            label = _("Option: %(name)s") % {"name": display_name(c.option)}
        elif c.criterion is not None:
            label = _("Criterion: %(name)s") % {"name": display_name(c.criterion)}
        else:  # pragma: no cover - the database requires a subject
            continue
        threads.setdefault(label, []).append(nodes[c.pk])
    for nodes_of_subject in threads.values():
        nodes_of_subject.sort(key=lambda node: not node.comment.pinned)  # stable: oldest first otherwise
    # Subjects with a pinned comment first.
    return dict(sorted(threads.items(), key=lambda item: not any(n.comment.pinned for n in item[1])))


@dataclass(frozen=True)
class CommentRow:
    """One comment of a thread as an export writes it: threads in order, each reply after its parent."""

    number: int  # the comment's number in the export, from 1
    reply_to: int | None  # the number of the comment it answers
    depth: int  # 0 for the comment that opens a thread
    subject: str  # "Option: …" or "Criterion: …"
    subject_kind: str  # "option" or "criterion"
    subject_key: str
    subject_name: str  # the option's or the criterion's name
    author: str  # the reader's label of the author
    author_key: str  # the reader's key of the author (as in the judgments of the same export)
    body: str
    created: datetime


def comment_rows(exercise: Exercise, visibility: Visibility) -> list[CommentRow]:
    """The threads of `comment_threads`, flattened for a file: the same comments, the same author labels."""
    rows: list[CommentRow] = []

    def add(node: CommentNode, subject: str, root: Comment, parent: int | None, depth: int) -> None:
        number = len(rows) + 1
        if root.option is not None:
            kind, key, name = "option", root.option.key, display_name(root.option)
        elif root.criterion is not None:
            kind, key, name = "criterion", root.criterion.key, display_name(root.criterion)
        else:  # pragma: no cover - the database requires a subject
            return
        rows.append(
            CommentRow(
                number=number,
                reply_to=parent,
                depth=depth,
                subject=subject,
                subject_kind=kind,
                subject_key=key,
                subject_name=name,
                author=node.author,
                author_key=visibility.key(node.comment.author),
                body=node.comment.body,
                created=node.comment.created,
            )
        )
        for reply in node.replies:
            add(reply, subject, root, number, depth + 1)

    for subject, nodes in comment_threads(exercise, visibility).items():
        for node in nodes:
            add(node, subject, node.comment, None, 0)
    return rows
