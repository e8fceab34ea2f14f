"""How many replicas kuota gives the topics it creates, for the cluster's size and the settings."""

import pytest

from streams.errors import UsageError
from streams.kafka.topics import layout, replication
from streams.settings import Settings


def settings(**values) -> Settings:
    return Settings(_env_file=None, **values)


@pytest.mark.parametrize("brokers, replicas, configs", [
    (1, 1, {}),
    (2, 2, {}),
    (3, 3, {"min.insync.replicas": "2"}),
    (5, 3, {"min.insync.replicas": "2"}),
])
def test_topics_have_a_replica_per_broker_up_to_three_and_two_in_sync_from_three(brokers, replicas, configs):
    assert replication(settings(), brokers) == (replicas, configs)


def test_the_settings_choose_the_replicas_and_how_many_must_be_in_sync():
    assert replication(settings(replication_factor=2, min_insync_replicas=1), 5) == (2, {"min.insync.replicas": "1"})
    assert replication(settings(replication_factor=2), 3) == (2, {})  # the broker's own default applies
    assert replication(settings(min_insync_replicas=3), 3) == (3, {"min.insync.replicas": "3"})


@pytest.mark.parametrize("values, brokers, named", [
    ({"replication_factor": 3}, 1, "KUOTA_REPLICATION_FACTOR=3"),
    ({"min_insync_replicas": 3}, 2, "KUOTA_MIN_INSYNC_REPLICAS=3"),
])
def test_replicas_a_cluster_cannot_give_are_one_line_naming_the_setting(values, brokers, named):
    with pytest.raises(UsageError) as refused:
        replication(settings(**values), brokers)
    assert named in str(refused.value) and "\n" not in str(refused.value)


def test_a_compacted_topic_keeps_its_policy_beside_the_replication_configs():
    replicated = {t.name: t for t in layout(settings(), 3)}
    assert replicated["kuota.suppliers.v1"].topic_configs == {"min.insync.replicas": "2", "cleanup.policy": "compact"}
    assert replicated["kuota.purchases.v1"].topic_configs == {"min.insync.replicas": "2"}
    assert {t.replication_factor for t in replicated.values()} == {3}
    alone = {t.name: t for t in layout(settings(), 1)}
    assert alone["kuota.purchases.v1"].topic_configs == {}
    assert alone["kuota.suppliers.v1"].topic_configs == {"cleanup.policy": "compact"}
