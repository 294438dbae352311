package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.TlsSettings;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.testing.TlsCertificates;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SslVerifyMode;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * TLS as real containers: the rendered TLS-only pods (Debian's Redis 7.0.15 image) with a cert-manager-shaped
 * Secret made for the test, mounted by the harness as the kubelet would (mode 0440, group the fsGroup), and
 * {@code tls-auth-clients yes}: the read-only, uid-999 containers read the key, the probes pass over TLS, the
 * replicas link over TLS, no plain port answers, and the split connection from the test JVM works over TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsContainerTest {

    private RedisReplicationSpec spec;
    private PodmanCluster cluster;
    private TlsCertificates certificates;
    private RedisClient client;

    @BeforeAll
    void play() throws Exception {
        Podman.require();
        TestImages images = TestImages.get();
        spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("256Mi"))
                .image(images.redis())
                .imagePullPolicy("Never")
                .tls(t -> t.secret("orders-tls").authClients(true))
                .build();
        Path dir = Files.createTempDirectory("redis-kube-tls");
        certificates = TlsCertificates.create(dir, "DNS:*.orders-headless.tenant-a.svc.cluster.local",
                "DNS:orders-master.tenant-a.svc.cluster.local");
        List<HasMetadata> objects = new ArrayList<>(List.of(tlsSecret()));
        objects.addAll(RedisKube.manifests(spec));
        cluster = PodmanCluster.start(objects, PodmanCluster.Options.defaults());
        cluster.await("every pod ready and every replica linked over TLS", Duration.ofSeconds(90),
                () -> cluster.pods().keySet().stream().allMatch(cluster::ready) && replicasLinked(),
                () -> "pods " + cluster.pods().keySet());
        client = RedisClient.create();
    }

    @AfterAll
    void stop() {
        if (client != null) {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The Secret cert-manager would write for the Certificate of the README. */
    private Secret tlsSecret() {
        return new SecretBuilder()
                .withNewMetadata().withName("orders-tls").withNamespace("tenant-a").endMetadata()
                .withType("kubernetes.io/tls")
                .addToData("tls.crt", base64(certificates.certPem()))
                .addToData("tls.key", base64(certificates.keyPem()))
                .addToData("ca.crt", base64(certificates.caPem()))
                .build();
    }

    private static String base64(String pem) {
        return Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.US_ASCII));
    }

    private List<String> replicas() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-replica-")).toList();
    }

    private String master() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-master-")).findFirst().orElseThrow();
    }

    /** INFO replication through the pod's own rendered redis_kube_cli (TLS, the pod's certificate). */
    private String info(String pod) {
        return cluster.exec(pod, "redis", "sh", "-c", ". /etc/redis-kube/password.sh; redis_kube_cli 5 info replication")
                .stdout();
    }

    private boolean replicasLinked() {
        return replicas().stream().allMatch(r -> info(r).contains("master_link_status:up"));
    }

    @Test
    void everyReplicaLinksOverTlsAndNoPlainPortAnswers() {
        assertThat(info(master())).contains("connected_slaves:2");
        for (String pod : cluster.pods().keySet()) {
            Podman.Result plain = cluster.exec(pod, "redis", "sh", "-c",
                    ". /etc/redis-kube/password.sh; timeout 5 redis-cli --no-auth-warning -h 127.0.0.1 -p 6379 ping");
            assertThat(plain.stdout()).as("%s: plain-text PING", pod).doesNotContain("PONG");
            Podman.Result files = cluster.exec(pod, "redis", "stat", "-L", "-c", "%a %g", "/etc/redis-kube-tls/tls.key");
            assertThat(files.orThrow().stdout().strip()).as("%s: the key's mode and group", pod).isEqualTo("440 999");
        }
    }

    @Test
    void theSplitConnectionFromOutsideWorksOverTlsPresentingItsCertificate() {
        RedisEndpoints endpoints = RedisEndpoints.builder()
                .master(cluster.pod(master()).ip(), 6379)
                .password(spec.auth().password())
                .followReplication(false)
                .replica(cluster.pod(replicas().get(0)).ip(), 6379)
                .replica(cluster.pod(replicas().get(1)).ip(), 6379)
                .timeout(Duration.ofSeconds(10))
                .tls(TlsSettings.trusting(certificates.caPem()).withVerifyMode(SslVerifyMode.CA)
                        .withClientCertificate(certificates.certPem(), certificates.keyPem()))
                .build();
        client.setOptions(endpoints.settings().clientOptions(client.getOptions()));
        try (StatefulRedisMasterReplicaConnection<String, String> connection =
                     RedisKubeConnections.connect(client, endpoints)) {
            connection.sync().set("order:tls", "paid");
            connection.sync().waitForReplication(2, 5000);
            assertThat(connection.sync().get("order:tls")).isEqualTo("paid");
        }
    }
}
