package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.github.rediskube.testing.MetricsExporter;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.github.rediskube.testing.SentinelTopology;
import io.lettuce.core.AclSetuserArgs;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane, metrics: the real {@code redis_exporter}, run with the rendered sidecar's arguments and its
 * password taken from the Secret as the sidecar's {@code secretKeyRef} takes it, scrapes a real master and
 * replica started from the rendered config and reports them up and linked.
 */
class MetricsExporterRedisTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void theRenderedExporterSidecarReportsTheMasterUpWithItsReplicaAndTheReplicasLinkUp(@TempDir Path dir)
            throws InterruptedException {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(1)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"))
                .metrics(m -> { })
                .build();
        Container sidecar = sidecar(spec, spec.names().of(Role.MASTER));
        assertThat(sidecar.getEnv()).allSatisfy(var -> assertThat(var.getValue()).isNull());

        try (RedisTopology redis = RedisTopology.start(spec, dir.resolve("redis"))) {
            RedisNode replica = redis.replicas().get(0);
            try (MetricsExporter onMaster = MetricsExporter.start(sidecar, redis.master(), dir.resolve("master.log"),
                    spec);
                 MetricsExporter onReplica = MetricsExporter.start(sidecar, replica, dir.resolve("replica.log"),
                         spec)) {
                String master = awaitSamples(onMaster, "redis_up 1", "redis_connected_slaves 1");
                String linked = awaitSamples(onReplica, "redis_up 1", "redis_master_link_up 1");

                assertThat(samples(master)).as(onMaster.output()).contains("redis_up 1", "redis_connected_slaves 1");
                assertThat(samples(linked)).as(onReplica.output()).contains("redis_up 1", "redis_master_link_up 1");
                assertOwnUserOnly(redis.master(), spec, onMaster);

                // the clients' password rotated and the old one retired: the exporter's own user is untouched
                RedisClient client = RedisClient.create();
                try {
                    for (RedisNode node : List.of(redis.master(), replica)) {
                        node.call(client, c -> c.aclSetuser("default", AclSetuserArgs.Builder.addPassword(ROTATED)
                                .removePassword(spec.auth().password())));
                    }
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
                // each scrape logs in anew (the exporter keeps no connection), so this one ran after the rotation
                assertThat(samples(onMaster.scrape())).as(onMaster.output()).contains("redis_up 1", "redis_connected_slaves 1");

                // the sidecar's liveness probe answers while Redis is down: an exporter is restarted only when it
                // stops serving, never because the server it watches is gone
                String health = sidecar.getLivenessProbe().getHttpGet().getPath();
                assertThat(onReplica.get(health).statusCode()).isEqualTo(200);
                replica.stop();
                assertThat(samples(awaitSamples(onReplica, "redis_up 0"))).contains("redis_up 0");
                assertThat(onReplica.get(health).statusCode()).as(onReplica.output()).isEqualTo(200);
            }
        }
    }

    @Test
    void overTlsWithClientCertificatesTheRenderedExporterReachesItsServer(@TempDir Path dir)
            throws InterruptedException {
        RedisReplicationSpec spec = RedisKube.replication("orders").replicas(1)
                .passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"))
                .metrics(m -> { })
                .tls(t -> t.secret("orders-tls").authClients(true))
                .build();
        Container sidecar = sidecar(spec, spec.names().of(Role.MASTER));
        io.github.rediskube.testing.TlsCertificates tls = io.github.rediskube.testing.TlsCertificates.create(
                dir.resolve("tls"), "DNS:*.orders-headless.default.svc.cluster.local");

        try (RedisTopology redis = RedisTopology.start(spec, dir.resolve("redis"), spec.auth().password(), tls);
             MetricsExporter onMaster = MetricsExporter.start(sidecar, redis.master(), dir.resolve("master.log"),
                     spec)) {
            String master = awaitSamples(onMaster, "redis_up 1", "redis_connected_slaves 1");

            assertThat(sidecar.getArgs()).contains("--redis.addr=rediss://127.0.0.1:6379");
            assertThat(onMaster.output()).doesNotContain("NOPERM");
            assertThat(samples(master)).as(onMaster.output()).contains("redis_up 1", "redis_connected_slaves 1");
        }
    }

    @Test
    void theRenderedSentinelSidecarReportsTheMonitoredMasterWithItsReplicas(@TempDir Path dir)
            throws InterruptedException {
        RedisReplicationSpec spec = SentinelFailoverTest.spec().toBuilder().metrics(m -> { }).build();
        Container sidecar = sidecar(spec, spec.names().sentinel());
        assertThat(sidecar.getArgs()).contains("--redis.addr=redis://127.0.0.1:26379");

        try (SentinelTopology ha = SentinelTopology.start(spec, dir.resolve("ha"))) {
            ha.awaitSentinelsKnowReplicas(spec.replicas(), WAIT);
            RedisNode sentinel = ha.sentinels().get(0);
            try (MetricsExporter exporter = MetricsExporter.start(sidecar, sentinel, dir.resolve("sentinel.log"),
                    spec)) {
                String scrape = awaitSamples(exporter, "redis_up 1", "redis_sentinel_masters 1",
                        "redis_sentinel_master_ok_slaves " + spec.replicas());

                assertThat(samples(scrape)).as(exporter.output()).contains("redis_up 1", "redis_sentinel_masters 1",
                        "redis_sentinel_master_ok_slaves " + spec.replicas());
                assertThat(scrape).contains("master_name=\"" + ha.masterName() + "\"");
                assertThat(exporter.output()).doesNotContain("NOPERM");
                RedisClient client = RedisClient.create();
                try (StatefulRedisConnection<String, String> asExporter = client.connect(exporterUri(sentinel, spec))) {
                    assertThatThrownBy(() -> asExporter.sync().dispatch(CommandType.SENTINEL,
                            new StatusOutput<>(StringCodec.UTF8),
                            new CommandArgs<>(StringCodec.UTF8).add("SET").add(ha.masterName())
                                    .add("down-after-milliseconds").add("60000")))
                            .hasMessageContaining("NOPERM");
                } finally {
                    client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                }
            }
        }
    }

    private static final String ROTATED = "rotated-Password-0123456789";

    /**
     * The exporter scraped with no refused command, and its user may read nothing else: no key, no
     * {@code CONFIG GET} (it would show requirepass), no write.
     */
    private static void assertOwnUserOnly(RedisNode server, RedisReplicationSpec spec, MetricsExporter exporter) {
        assertThat(exporter.output()).doesNotContain("NOPERM");
        RedisClient client = RedisClient.create();
        try {
            List<java.util.Map<String, Object>> refused = server.call(client, c -> c.aclLog());
            assertThat(refused).as("ACL LOG after the scrapes").isEmpty();
            try (StatefulRedisConnection<String, String> asExporter = client.connect(exporterUri(server, spec))) {
                assertThat(asExporter.sync().ping()).isEqualTo("PONG");
                assertThatThrownBy(() -> asExporter.sync().get("key")).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> asExporter.sync().configGet("requirepass")).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> asExporter.sync().set("key", "v")).hasMessageContaining("NOPERM");
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static RedisURI exporterUri(RedisNode node, RedisReplicationSpec spec) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(node.port())
                .withAuthentication("rediskube-metrics", spec.exporterPassword()).withTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** @return the rendered {@code metrics} container of the StatefulSet {@code statefulSet} */
    private static Container sidecar(RedisReplicationSpec spec, String statefulSet) {
        return RedisManifests.render(spec).stream().filter(StatefulSet.class::isInstance)
                .map(StatefulSet.class::cast).filter(s -> s.getMetadata().getName().equals(statefulSet))
                .findFirst().orElseThrow().getSpec().getTemplate().getSpec()
                .getContainers().stream().filter(c -> c.getName().equals("metrics")).findFirst().orElseThrow();
    }

    /** @return the scrape's samples as {@code name value}, labels left out ({@code redis_master_link_up{..} 1}) */
    private static List<String> samples(String scrape) {
        return scrape.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceFirst("\\{[^}]*}", "")).toList();
    }

    /** @return the last scrape: the first holding every sample, or the last one taken before the bound */
    private static String awaitSamples(MetricsExporter exporter, String... wanted) throws InterruptedException {
        Instant deadline = Instant.now().plus(WAIT);
        String scrape = exporter.scrape();
        while (!samples(scrape).containsAll(List.of(wanted)) && Instant.now().isBefore(deadline)) {
            Thread.sleep(250);
            scrape = exporter.scrape();
        }
        return scrape;
    }
}
