package io.github.rediskube.core.render;

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
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data plane, TLS: real redis-server processes run the rendered TLS-only redis.conf with a CA and a certificate
 * made for the test. A replica links to its master over TLS, no plain port answers, a client that does not trust
 * the CA fails the handshake, client certificates are asked for only with {@code authClients(true)}, and the
 * rendered probe scripts pass over TLS.
 */
class TlsRedisTest {

    private static final String PASSWORD = "s3cret-Password-0123456789";
    /** The pods' names, as a cert-manager Certificate for the headless Service would list them: not 127.0.0.1. */
    private static final String[] NAMES = {"DNS:orders-master-0.orders-headless.default.svc.cluster.local",
            "DNS:*.orders-headless.default.svc.cluster.local"};

    private static RedisClient client;
    private static TlsCertificates certificates;

    @BeforeAll
    static void createClient(@TempDir Path dir) {
        RedisBinaries.requireDirectory();
        certificates = TlsCertificates.create(dir.resolve("tls"), NAMES);
        client = RedisClient.create();
        client.setOptions(certificates.clientOptions());
    }

    @AfterAll
    static void shutdownClient() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static RedisReplicationSpec.Builder spec() {
        return RedisKube.replication("orders")
                .passwordGenerator(PasswordGenerator.fixed(PASSWORD))
                .master(n -> n.memoryLimit("64Mi"))
                .tls(t -> t.secret("orders-tls"));
    }

    @Test
    void aReplicaReplicatesFromItsMasterOverTlsWithThePlainPortClosed(@TempDir Path dir) throws InterruptedException {
        RedisReplicationSpec spec = spec().replicas(1).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir, PASSWORD, certificates)) {
            RedisNode master = redis.master();
            RedisNode replica = redis.replicas().get(0);
            master.call(client, c -> c.set("order:1", "paid"));

            awaitLinked(replica);
            String copied = replica.call(client, c -> c.get("order:1"));
            assertThat(copied).isEqualTo("paid");
            Map<String, String> config = master.call(client, c -> c.configGet("port", "tls-port", "tls-replication",
                    "tls-auth-clients"));
            assertThat(config).containsEntry("port", "0").containsEntry("tls-port", String.valueOf(master.port()))
                    .containsEntry("tls-replication", "yes").containsEntry("tls-auth-clients", "no");
            assertThat(replica.log()).as("the replica's log").contains("MASTER <-> REPLICA sync: Finished with success");
        }
    }

    @Test
    void plainTextClientsAndClientsWithoutTheCaAreRefused(@TempDir Path dir) {
        RedisReplicationSpec spec = spec().replicas(0).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir, PASSWORD, certificates)) {
            RedisNode master = redis.master();

            assertThat(master.plainTextPing()).as("a plain-text PING on the TLS port gets no PONG")
                    .doesNotContain("PONG");
            RedisClient plain = RedisClient.create();
            RedisClient untrusting = RedisClient.create();
            // the JDK's own trust store: a public CA list without the test CA
            untrusting.setOptions(ClientOptions.builder().sslOptions(SslOptions.builder().jdkSslProvider().build())
                    .build());
            try {
                RedisURI noTls = RedisURI.builder(master.uri()).withSsl(false).build();
                assertThatThrownBy(() -> plain.connect(noTls).close()).as("plain TCP")
                        .isInstanceOf(RedisConnectionException.class);
                assertThatThrownBy(() -> untrusting.connect(master.uri()).close()).as("TLS without the CA")
                        .isInstanceOf(RedisConnectionException.class)
                        .rootCause().hasMessageContaining("unable to find valid certification path");
            } finally {
                plain.shutdown(Duration.ZERO, Duration.ofSeconds(2));
                untrusting.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            }
            assertThat(redisCli(master.port(), List.of("--tls"), "ping")).as("redis-cli --tls without --cacert")
                    .doesNotContain("PONG");
            assertThat(redisCli(master.port(), List.of("--tls", "--cacert", certificates.caFile().toString()),
                    "ping")).as("redis-cli with the CA only (tls-auth-clients no)").isEqualTo("PONG");
        }
    }

    @Test
    void withAuthClientsAClientMustPresentACertificateTheCaSigned(@TempDir Path dir) throws InterruptedException {
        RedisReplicationSpec spec = spec().replicas(1).tls(t -> t.authClients(true)).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir, PASSWORD, certificates)) {
            RedisNode replica = redis.replicas().get(0);
            redis.master().call(client, c -> c.set("order:2", "shipped"));

            awaitLinked(replica);
            String copied = replica.call(client, c -> c.get("order:2"));
            assertThat(copied).as("the replica presented its certificate").isEqualTo("shipped");
            assertThat(redisCli(redis.master().port(), List.of("--tls", "--cacert",
                    certificates.caFile().toString()), "ping")).as("the CA alone, no client certificate")
                    .doesNotContain("PONG");
            assertThat(redisCli(redis.master().port(), certificates.redisCliArgs(), "ping")).isEqualTo("PONG");
        }
    }

    @Test
    void theRenderedProbesPassOverTls(@TempDir Path dir) throws InterruptedException {
        RedisReplicationSpec spec = spec().replicas(1).tls(t -> t.authClients(true)).build();
        try (RedisTopology redis = RedisTopology.start(spec, dir, PASSWORD, certificates)) {
            RedisNode replica = redis.replicas().get(0);
            awaitLinked(replica);

            for (RedisNode node : List.of(redis.master(), replica)) {
                for (String kind : List.of("readiness", "liveness")) {
                    RedisTopology.ProbeResult result = redis.probe(node, kind);
                    assertThat(result.exitCode()).as("%s of the %s: %s", kind, node.role(), result.output()).isZero();
                }
            }
        }
    }

    private static void awaitLinked(RedisNode replica) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!replica.<String>call(client, c -> c.info("replication")).contains("master_link_status:up")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the replica did not link over TLS within 20 s:\n" + replica.log());
            }
            Thread.sleep(100);
        }
    }

    /** @return redis-cli's output (stdout and stderr) of one command with the password, bounded at 10 s */
    private static String redisCli(int port, List<String> tlsArgs, String... command) {
        List<String> args = new ArrayList<>(List.of(RedisBinaries.requireDirectory().resolve("redis-cli").toString()));
        args.addAll(tlsArgs);
        args.addAll(List.of("--no-auth-warning", "-a", PASSWORD, "-h", "127.0.0.1", "-p", String.valueOf(port)));
        args.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            return output;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
