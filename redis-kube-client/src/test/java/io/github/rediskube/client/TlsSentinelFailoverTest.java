package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisBinaries;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.SentinelTopology;
import io.github.rediskube.testing.TlsCertificates;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane, Sentinel over TLS: three real redis-sentinel and three redis-server processes run the rendered
 * TLS-only sentinel.conf, redis.conf and ha.sh (the Sentinels reach the servers and each other over TLS through
 * {@code tls-replication yes}, the scripts through {@code redis_kube_cli}); the master is killed, the Sentinels
 * fail over, and the split connection over TLS follows the new master.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TlsSentinelFailoverTest {

    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final RedisReplicationSpec SPEC = RedisKube.replication("orders").replicas(2)
            .passwordGenerator(PasswordGenerator.fixed("s3cret-Password-0123456789"))
            .master(n -> n.memoryLimit("64Mi"))
            .config("repl-diskless-sync-delay", "0")
            .sentinel(s -> s.downAfter(Duration.ofMillis(1000)).failoverTimeout(Duration.ofSeconds(5)))
            .tls(t -> t.secret("orders-tls").authClients(true))
            .build();

    @TempDir
    Path tempDir;

    private RedisClient client;
    private TlsCertificates certificates;

    @BeforeEach
    void client() {
        RedisBinaries.requireSentinelDirectory();
        certificates = TlsCertificates.create(tempDir.resolve("tls"), "DNS:*.orders-headless.default.svc.cluster.local");
        client = RedisClient.create();
    }

    @AfterEach
    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    @Test
    void theSentinelsFailOverOverTlsAndTheSplitConnectionFollows() throws Exception {
        try (SentinelTopology ha = SentinelTopology.start(SPEC, tempDir.resolve("ha"), certificates)) {
            RedisNode master = ha.currentMaster();
            ha.redisNodes().stream().filter(n -> n != master).forEach(r -> ha.awaitLinked(r, BOUND));
            ha.awaitSentinelsKnowReplicas(SPEC.replicas(), BOUND);
            // tls-auth-clients yes: the client presents a certificate the CA signed
            RedisSentinels.Builder builder = RedisSentinels.builder(ha.masterName()).password(ha.password())
                    .timeout(Duration.ofSeconds(1)).topologyRefresh(Duration.ofSeconds(2))
                    .tls(TlsSettings.trusting(certificates.caPem()).withVerifyMode(SslVerifyMode.CA)
                            .withClientCertificate(certificates.certPem(), certificates.keyPem()));
            ha.sentinelPorts().forEach(port -> builder.sentinel("127.0.0.1", port));
            RedisSentinels sentinels = builder.build();
            client.setOptions(sentinels.settings().clientOptions(client.getOptions()));
            for (RedisNode sentinel : ha.sentinels()) {
                assertThat(sentinel.<String>call(client, c -> c.ping())).as("%s over TLS", sentinel).isEqualTo("PONG");
                assertThat(sentinel.plainTextPing()).as("%s in plain text", sentinel).doesNotContain("PONG");
            }
            try (StatefulRedisMasterReplicaConnection<String, String> redis =
                         RedisKubeConnections.connect(client, sentinels)) {
                assertThat(redis.sync().set("before", "kill")).isEqualTo("OK");
                // replication is asynchronous: only a write both replicas acknowledged must survive kill -9
                assertThat(redis.sync().waitForReplication(SPEC.replicas(), 5000)).isEqualTo(SPEC.replicas());

                master.kill();
                long deadline = System.nanoTime() + BOUND.toNanos();
                boolean resumed = false;
                while (!resumed && System.nanoTime() < deadline) {
                    try {
                        resumed = "OK".equals(redis.async().set("after", "kill").get(200, TimeUnit.MILLISECONDS));
                    } catch (Exception stillDown) {
                        Thread.sleep(20);
                    }
                }

                assertThat(resumed).as("writes resumed over TLS within %s:%n%s", BOUND, ha.sentinelLogs()).isTrue();
                RedisNode promoted = ha.currentMaster();
                assertThat(promoted).isNotSameAs(master);
                String after = promoted.call(client, c -> c.get("after"));
                String before = promoted.call(client, c -> c.get("before"));
                assertThat(after).isEqualTo("kill");
                assertThat(before).isEqualTo("kill");
                assertThat(ha.sentinelLogs()).contains("+switch-master");
            }
        }
    }
}
