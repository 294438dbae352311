package io.github.rediskube.core.render;

import static io.github.rediskube.core.render.RedisManifestsTest.env;
import static io.github.rediskube.core.render.RedisManifestsTest.find;
import static io.github.rediskube.core.render.RedisManifestsTest.orders;
import static io.github.rediskube.core.render.RedisManifestsTest.redisContainer;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Render tier: memory headroom, replication timing, budgets and Services that hold when roles move. */
class HighAvailabilityManifestsTest {

    private static RedisReplicationSpec sentinel() {
        return orders().replicas(2).sentinel(s -> s.sentinels(3)).build();
    }

    private static String conf(RedisReplicationSpec spec, Role role) {
        return find(RedisManifests.render(spec), ConfigMap.class, "orders-config").getData().get(role.label() + ".conf");
    }

    /** @return the arguments of the directive's only line, e.g. {@code ["replica", "1", "2", "60"]} */
    private static List<String> directive(String conf, String name) {
        List<String[]> lines = conf.lines().map(l -> l.split(" ")).filter(w -> w[0].equals(name)).toList();
        assertThat(lines).as(name + " in\n" + conf).hasSize(1);
        return Stream.of(lines.get(0)).skip(1).toList();
    }

    static Stream<Arguments> everyLimit() {
        List<Arguments> rows = new ArrayList<>();
        for (String limit : List.of("64Mi", "100M", "256Mi", "1Gi", "3Gi", "8Gi", "16Gi", "64Gi")) {
            for (double share : List.of(0.05, 0.5, 0.75, 0.9, 0.95)) {
                rows.add(Arguments.of(limit, share, null));
            }
            BigDecimal most = new Quantity(limit).getNumericalAmount().multiply(BigDecimal.valueOf(0.95));
            rows.add(Arguments.of(limit, 0.75, most.toBigInteger().toString()));   // explicit, the largest allowed
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "limit {0}, share {1}, maxmemory {2}")
    @MethodSource("everyLimit")
    void replicaBuffersAndBacklogFitAboveMaxmemoryWithRoomLeftForTheFork(String limit, double share, String maxmemory) {
        for (boolean withSentinel : List.of(false, true)) {
            RedisReplicationSpec.Builder builder = orders().resources(r -> r.memoryLimit(limit)).maxmemoryShare(share)
                    .maxmemory(maxmemory);
            RedisReplicationSpec spec = (withSentinel ? builder.sentinel(s -> { }) : builder).build();
            long limitBytes = new Quantity(limit).getNumericalAmount().longValue();
            for (Role role : Role.values()) {
                String conf = conf(spec, role);
                long max = Long.parseLong(directive(conf, "maxmemory").get(0));
                List<String> buffer = directive(conf, "client-output-buffer-limit");
                long hard = Long.parseLong(buffer.get(1));
                long soft = Long.parseLong(buffer.get(2));
                long backlog = Long.parseLong(directive(conf, "repl-backlog-size").get(0));
                long headroom = limitBytes - max;

                assertThat(buffer.get(0)).isEqualTo("replica");
                assertThat(hard).as("0 would mean no limit").isPositive();
                assertThat(soft).isPositive().isLessThanOrEqualTo(hard);
                assertThat(backlog).isPositive();
                assertThat(hard + backlog).as("replica buffer + backlog inside limit - maxmemory (" + headroom + ")")
                        .isLessThanOrEqualTo(headroom);
                assertThat(headroom - hard - backlog).as("left for fork copy-on-write and the allocator")
                        .isGreaterThanOrEqualTo(headroom / 2);
            }
        }
    }

    @Test
    void replicasGiveUpADeadMasterWithinSecondsAndAFullSyncWaitsForEveryReplicaOnly() {
        for (int replicas : List.of(1, 2, 5)) {
            String conf = conf(orders().replicas(replicas).build(), Role.MASTER);
            int timeout = Integer.parseInt(directive(conf, "repl-timeout").get(0));
            int ping = Integer.parseInt(directive(conf, "repl-ping-replica-period").get(0));
            int delay = Integer.parseInt(directive(conf, "repl-diskless-sync-delay").get(0));

            assertThat(timeout).as("a replica re-links within 10 s of the master's return").isLessThanOrEqualTo(6);
            assertThat(ping).as("pings well inside the timeout").isLessThanOrEqualTo(timeout / 2);
            assertThat(delay).isBetween(1, 2);
            assertThat(directive(conf, "repl-diskless-sync-max-replicas")).containsExactly(String.valueOf(replicas));
            assertThat(directive(conf, "tcp-keepalive")).containsExactly("10");
        }
    }

    @Test
    void cacheReplicasLoadFromTheSocketAndDeleteSyncFilesWithinABoundedDataDirectory() {
        RedisReplicationSpec cache = orders().resources(r -> r.memoryLimit("1Gi")).build();
        RedisReplicationSpec storage = orders().storage("10Gi").build();

        for (Role role : Role.values()) {
            assertThat(directive(conf(cache, role), "repl-diskless-load")).containsExactly("on-empty-db");
            assertThat(directive(conf(cache, role), "rdb-del-sync-files")).containsExactly("yes");
            assertThat(conf(storage, role)).doesNotContain("rdb-del-sync-files", "repl-diskless-load");
            StatefulSet sts = find(RedisManifests.render(cache), StatefulSet.class, "orders-" + role.label());
            Volume data = sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
            assertThat(data.getEmptyDir().getSizeLimit()).isEqualTo(new Quantity("1Gi"));
            assertThat(redisContainer(sts).getResources().getRequests()).containsEntry("ephemeral-storage",
                    new Quantity("1Gi"));
            StatefulSet withVolumes = find(RedisManifests.render(storage), StatefulSet.class, "orders-" + role.label());
            assertThat(redisContainer(withVolumes).getResources().getRequests()).doesNotContainKey("ephemeral-storage");
        }
    }

    @Test
    void sentinelModeHasOneBudgetOverMasterAndReplicasAndOneOverTheSentinels() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());
        PodDisruptionBudget redis = find(objects, PodDisruptionBudget.class, "orders-redis");
        Map<String, String> master = podLabels(objects, "orders-master");
        Map<String, String> replica = podLabels(objects, "orders-replica");
        Map<String, String> sentinelPod = podLabels(objects, "orders-sentinel");

        assertThat(objects.stream().filter(PodDisruptionBudget.class::isInstance).map(o -> o.getMetadata().getName()))
                .containsExactly("orders-redis", "orders-sentinel");
        assertThat(redis.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(matches(redis.getSpec().getSelector(), master)).as("master-0 is protected").isTrue();
        assertThat(matches(redis.getSpec().getSelector(), replica)).isTrue();
        assertThat(matches(redis.getSpec().getSelector(), sentinelPod)).isFalse();
        PodDisruptionBudget sentinels = find(objects, PodDisruptionBudget.class, "orders-sentinel");
        assertThat(matches(sentinels.getSpec().getSelector(), sentinelPod)).isTrue();
        assertThat(matches(sentinels.getSpec().getSelector(), master)).isFalse();
    }

    @Test
    void plainModeKeepsOneBudgetOverTheReplicas() {
        List<HasMetadata> objects = RedisManifests.render(orders().replicas(2).build());
        PodDisruptionBudget replicas = find(objects, PodDisruptionBudget.class, "orders-replica");

        assertThat(objects.stream().filter(PodDisruptionBudget.class::isInstance)).hasSize(1);
        assertThat(matches(replicas.getSpec().getSelector(), podLabels(objects, "orders-replica"))).isTrue();
        assertThat(matches(replicas.getSpec().getSelector(), podLabels(objects, "orders-master"))).isFalse();
    }

    @Test
    void sentinelsHaveTheirOwnHeadlessServiceWithTheSentinelPortAndTheirNamesUseIt() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());
        Service headless = find(objects, Service.class, "orders-sentinel-headless");
        StatefulSet sentinels = find(objects, StatefulSet.class, "orders-sentinel");
        String expected = "orders-sentinel-0.orders-sentinel-headless.tenant-a.svc.cluster.local:26379"
                + " orders-sentinel-1.orders-sentinel-headless.tenant-a.svc.cluster.local:26379"
                + " orders-sentinel-2.orders-sentinel-headless.tenant-a.svc.cluster.local:26379";

        assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(headless.getSpec().getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("sentinel");
            assertThat(p.getPort()).isEqualTo(26379);
            assertThat(p.getTargetPort().getStrVal()).isEqualTo("sentinel");
        });
        assertThat(headless.getSpec().getSelector()).isEqualTo(SentinelContribution.selector(sentinel()));
        assertThat(sentinels.getSpec().getServiceName()).isEqualTo("orders-sentinel-headless");
        assertThat(env(redisContainer(sentinels), "SENTINEL_ANNOUNCE_HOST"))
                .isEqualTo("$(POD_NAME).orders-sentinel-headless.tenant-a.svc.cluster.local");
        assertThat(env(redisContainer(sentinels), "REDIS_SENTINELS")).isEqualTo(expected);
        for (String sts : List.of("orders-master", "orders-replica")) {
            assertThat(env(redisContainer(find(objects, StatefulSet.class, sts)), "REDIS_SENTINELS"))
                    .isEqualTo(expected);
        }
        assertThat(sentinel().names().sentinelPodHost(1))
                .isEqualTo("orders-sentinel-1.orders-sentinel-headless.tenant-a.svc.cluster.local");
    }

    @Test
    void withSentinelEveryRedisPodsConfigHashCoversBothRolesFiles() {
        List<HasMetadata> objects = RedisManifests.render(sentinel());
        String master = hash(find(objects, StatefulSet.class, "orders-master"));
        String replica = hash(find(objects, StatefulSet.class, "orders-replica"));
        List<HasMetadata> plain = RedisManifests.render(orders().build());

        assertThat(master).as("a pod of either StatefulSet may run either role's file").isEqualTo(replica);
        assertThat(hash(find(plain, StatefulSet.class, "orders-master")))
                .isNotEqualTo(hash(find(plain, StatefulSet.class, "orders-replica")));
    }

    @Test
    void sentinelMastersRefuseWritesWithoutALinkedReplicaByDefault() {
        assertThat(conf(sentinel(), Role.MASTER)).contains("min-replicas-to-write 1\n", "min-replicas-max-lag 10\n");
        assertThat(conf(sentinel(), Role.REPLICA)).contains("min-replicas-to-write 1\n");
        RedisReplicationSpec off = orders().replicas(2).sentinel(s -> s.minReplicasToWrite(0)).build();
        assertThat(conf(off, Role.MASTER)).doesNotContain("min-replicas-to-write");
        assertThat(conf(orders().build(), Role.MASTER)).doesNotContain("min-replicas-to-write");
    }

    private static String hash(StatefulSet sts) {
        return sts.getSpec().getTemplate().getMetadata().getAnnotations().get(PodDraft.CONFIG_HASH_ANNOTATION);
    }

    private static Map<String, String> podLabels(List<HasMetadata> objects, String statefulSet) {
        return find(objects, StatefulSet.class, statefulSet).getSpec().getTemplate().getMetadata().getLabels();
    }

    /** A label selector (matchLabels and In expressions) evaluated on a pod's labels. */
    private static boolean matches(LabelSelector selector, Map<String, String> labels) {
        boolean all = selector.getMatchLabels() == null || selector.getMatchLabels().entrySet().stream()
                .allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        return all && (selector.getMatchExpressions() == null || selector.getMatchExpressions().stream()
                .allMatch(x -> {
                    assertThat(x.getOperator()).isEqualTo("In");
                    return x.getValues().contains(labels.get(x.getKey()));
                }));
    }
}
