"""Sharing a month among workers by recipient: each person in exactly one shard, stably."""

import pytest

from examdesk.domain.shards import Shard
from examdesk.services.month.pipeline import merge_summaries


def test_every_recipient_falls_in_exactly_one_shard_and_the_shares_are_even():
    keys = [f"guardian:G{i:05d}" for i in range(10_000)] + [f"staff:S{i:03d}" for i in range(200)]
    shards = [Shard(i, 3) for i in range(3)]
    owners = [[s.index for s in shards if s.holds(k)] for k in keys]
    assert all(len(o) == 1 for o in owners)
    sizes = [sum(1 for o in owners if o == [i]) for i in range(3)]
    assert min(sizes) > 0.9 * len(keys) / 3  # no worker gets much more than its share
    assert Shard().holds("anything") and str(Shard(1, 2)) == "2 of 2"
    with pytest.raises(ValueError):
        Shard(2, 2)


def test_shard_summaries_add_what_each_did_and_keep_what_the_month_is():
    a = {
        "tasks": 25,
        "documents_rendered": 140,
        "messages_sent": 160,
        "memos": 30,
        "notes": ["n1", "n2"],
        "errors": [],
        "documents_by_task": {"t": 140},
        "transport": "outbox",
    }
    b = {
        "tasks": 25,
        "documents_rendered": 160,
        "messages_sent": 172,
        "memos": 34,
        "notes": ["n2"],
        "errors": ["e"],
        "documents_by_task": {"t": 160},
        "transport": "outbox",
    }
    merged = merge_summaries([a, b])
    assert merged["tasks"] == 25 and merged["documents_rendered"] == 300 and merged["messages_sent"] == 332
    assert merged["memos"] == 64 and merged["notes"] == ["n1", "n2"] and merged["errors"] == ["e"]
    assert merged["documents_by_task"] == {"t": 300} and merged["shards"] == 2
