package io.github.rediskube.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.RedisBinaries;
import io.github.rediskube.testing.RedisNode;
import io.github.rediskube.testing.RedisTopology;
import io.github.rediskube.testing.TlsCertificates;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane, TLS: the split connection over TLS to a master and two replicas of real redis-server running the
 * rendered TLS-only config, with a CA and a certificate made for the test that names the pods' DNS names, not
 * 127.0.0.1 (as a cert-manager Certificate would). Where each command ran is read from the servers' own
 * {@code INFO commandstats}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsSplitConnectionTest {

    private static final String PASSWORD = "s3cret-Password-0123456789";
    private static final RedisReplicationSpec SPEC = RedisKube.replication("orders").replicas(2)
            .passwordGenerator(PasswordGenerator.fixed(PASSWORD))
            .config("repl-diskless-sync-delay", "0")
            .tls(t -> t.secret("orders-tls"))
            .build();

    private static TlsCertificates certificates;

    @TempDir
    Path tempDir;

    private RedisClient client;

    @BeforeAll
    static void certificates(@TempDir Path dir) {
        RedisBinaries.requireDirectory();
        certificates = TlsCertificates.create(dir.resolve("tls"),
                "DNS:*.orders-headless.default.svc.cluster.local", "DNS:orders-master.default.svc.cluster.local");
    }

    @BeforeEach
    void client() {
        client = RedisClient.create();
    }

    @AfterEach
    void shutdown() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }

    private static TlsSettings tls() {
        return TlsSettings.trusting(certificates.caPem());
    }

    private static RedisEndpoints endpoints(RedisTopology redis, TlsSettings tls) {
        return RedisEndpoints.builder()
                .master("127.0.0.1", redis.master().port())
                .password(PASSWORD)
                .topologyRefresh(Duration.ofMillis(300))
                .timeout(Duration.ofSeconds(5))
                .tls(tls)
                .build();
    }

    private RedisTopology started() {
        RedisTopology redis = RedisTopology.start(SPEC, tempDir, PASSWORD, certificates);
        RedisClient checks = RedisClient.create();
        checks.setOptions(certificates.clientOptions());
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!redis.master().<String>call(checks, c -> c.info("replication")).contains("connected_slaves:2")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the replicas did not link over TLS:\n" + redis.replicas().get(0).log());
                }
                Thread.sleep(100);
            }
            return redis;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            redis.close();
            throw new IllegalStateException(e);
        } catch (RuntimeException | AssertionError e) {
            redis.close();
            throw e;
        } finally {
            checks.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void writesGoToTheMasterAndReadsToTheReplicasOverTls() {
        try (RedisTopology redis = started()) {
            RedisEndpoints endpoints = endpoints(redis, tls().withVerifyMode(SslVerifyMode.CA));
            client.setOptions(endpoints.settings().clientOptions(client.getOptions()));
            try (StatefulRedisMasterReplicaConnection<String, String> connection =
                         RedisKubeConnections.connect(client, StringCodec.UTF8, endpoints, ReadFrom.REPLICA)) {
                List<RedisNode> nodes = List.of(redis.master(), redis.replicas().get(0), redis.replicas().get(1));
                nodes.forEach(n -> n.call(client, RedisCommands::configResetstat));
                for (int i = 0; i < 200; i++) {
                    connection.sync().set("k" + i, "v" + i);
                }
                connection.sync().waitForReplication(2, 5000);
                for (int i = 0; i < 200; i++) {
                    assertThat(connection.sync().get("k" + i)).isEqualTo("v" + i);
                }

                assertThat(redis.master().commandCalls(client, "set")).isEqualTo(200);
                assertThat(redis.master().commandCalls(client, "get")).isZero();
                assertThat(redis.replicas().stream().mapToLong(r -> r.commandCalls(client, "get")).sum())
                        .isEqualTo(200);
                assertThat(redis.replicas()).allSatisfy(r -> assertThat(r.commandCalls(client, "get"))
                        .as("reads on %s", r).isPositive());
            }
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefusedAndToldHowToFixIt() {
        try (RedisTopology redis = started()) {
            RedisEndpoints endpoints = endpoints(redis, tls().withVerifyMode(SslVerifyMode.CA));
            // the client's options left as they were: the JDK's trust store, which lacks the test CA

            assertThatThrownBy(() -> RedisKubeConnections.connect(client, endpoints))
                    .isInstanceOf(RedisConnectionException.class)
                    .hasMessageContaining("cannot connect to the Redis master at 127.0.0.1:" + redis.master().port())
                    .hasMessageContaining("unable to find valid certification path")
                    .hasMessageContaining("client.setOptions(settings.clientOptions(client.getOptions()))");
        }
    }

    @Test
    void fullVerificationRefusesAnAddressTheCertificateDoesNotNameAsAPortForwardsIs() {
        try (RedisTopology redis = started()) {
            RedisEndpoints endpoints = endpoints(redis, tls());
            client.setOptions(endpoints.settings().clientOptions(ClientOptions.create()));

            assertThat(endpoints.settings().tls().verifyMode()).isEqualTo(SslVerifyMode.FULL);
            assertThatThrownBy(() -> RedisKubeConnections.connect(client, endpoints))
                    .isInstanceOf(RedisConnectionException.class)
                    .hasMessageContaining("127.0.0.1")
                    .hasMessageContaining("withVerifyMode(SslVerifyMode.CA)");
        }
    }

    @Test
    void tlsSettingsRefuseNoVerificationAndTextThatHoldsNoCertificate() {
        assertThatThrownBy(() -> tls().withVerifyMode(SslVerifyMode.NONE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.verifyMode must be FULL or CA, was NONE")
                .hasMessageContaining("use SslVerifyMode.CA");
        assertThatThrownBy(() -> TlsSettings.trusting("not a certificate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.caCertificate must be one or more PEM certificates")
                .hasMessageNotContaining("not a certificate");
        assertThatThrownBy(() -> tls().withClientCertificate(certificates.certPem(),
                "-----BEGIN EC PRIVATE KEY-----\nMHc=\n-----END EC PRIVATE KEY-----\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.clientKey must be a PKCS#8 PEM key")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt")
                .hasMessageNotContaining("MHc=");
        assertThatThrownBy(() -> new TlsSettings(certificates.caPem(), SslVerifyMode.CA, certificates.certPem(), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tls.clientKey must be given together with tls.clientCertificate");
        assertThat(tls().withClientCertificate(certificates.certPem(), certificates.keyPem()).toString())
                .doesNotContain("BEGIN").contains("verifyMode=FULL", "clientCertificate=<PEM>");
        assertThat(ConnectionSettings.builder().tls(tls()).build().toBuilder().build().tls()).isEqualTo(tls());
    }
}
