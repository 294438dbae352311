package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The classic scenario (master with a 4096M limit, two replicas) with Valkey: the rendered pods run by podman
 * with Debian trixie's Valkey 8.1.1, in an image arranged like the official {@code valkey/valkey:8.1} one as far
 * as the pods can tell ({@link TestImages#valkey()}; not the official image itself, which no registry here serves).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValkeyContainerTest {

    private RedisReplicationSpec spec;
    private PodmanCluster cluster;
    private RedisClient client;
    private RedisPods redis;

    @BeforeAll
    void play() {
        Podman.require();
        spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("4096M"))
                .image(TestImages.valkey())
                .imagePullPolicy("Never")
                .build();
        client = RedisClient.create();
        cluster = PodmanCluster.start(RedisKube.manifests(spec), PodmanCluster.Options.defaults());
        redis = new RedisPods(cluster, client, spec.auth().password());
        cluster.await("one master, both replicas linked, every pod ready", Duration.ofSeconds(90),
                () -> redis.settled() && cluster.pods().keySet().stream().allMatch(cluster::ready), redis::roles);
        System.out.printf("container tier: classic scenario (Valkey 8.1.1 image), kube play to every pod ready: %d ms%n",
                cluster.allReadyMillis());
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

    private List<String> replicas() {
        return redis.names().stream().filter(p -> p.contains("-replica-")).toList();
    }

    @Test
    void everyServerIsValkey811AndTheNamesTheScriptsCallAreValkeysBinaries() {
        for (String pod : redis.names()) {
            assertThat(redis.call(pod, c -> c.info("server"))).as(pod)
                    .contains("server_name:valkey", "valkey_version:8.1.1");
            assertThat(cluster.exec(pod, "redis", "sh", "-c",
                    "for b in redis-server redis-cli redis-sentinel; do readlink \"$(command -v $b)\"; done")
                    .orThrow().stdout().lines()).as(pod)
                    .containsExactly("/usr/bin/valkey-server", "/usr/bin/valkey-cli", "/usr/bin/valkey-sentinel");
        }
    }

    @Test
    void everyContainerRunsAsUid999WithAReadOnlyRootFilesystem() {
        for (String pod : cluster.pods().keySet()) {
            for (Container container : cluster.pod(pod).original().getSpec().getContainers()) {
                String name = container.getName();
                assertThat(cluster.exec(pod, name, "id", "-u").orThrow().stdout().strip()).as(pod).isEqualTo("999");
                assertThat(cluster.exec(pod, name, "id", "-g").orThrow().stdout().strip()).as(pod).isEqualTo("999");
                Podman.Result write = cluster.exec(pod, name, "sh", "-c", "echo x > /etc/redis-kube-probe");
                assertThat(write.ok()).as(pod + ": write to the root filesystem").isFalse();
                assertThat(write.stderr()).contains("Read-only file system");
            }
        }
    }

    /** A refused connection (a container between restarts) is no answer: asked again, bounded; any answer is NOAUTH. */
    @Test
    void withoutThePasswordEveryServerAnswersNoauth() {
        for (String pod : redis.names()) {
            RedisURI uri = RedisURI.create("redis://" + cluster.pod(pod).ip() + ":6379");
            AtomicReference<String> answer = new AtomicReference<>("");
            cluster.await(pod + " answering without the password", Duration.ofSeconds(30), () -> {
                try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
                    answer.set("served GET: " + connection.sync().get("k"));
                    return true;
                } catch (RuntimeException e) {
                    answer.set(String.valueOf(e.getMessage()) + " / " + e.getCause());
                    return answer.get().contains("NOAUTH");
                }
            }, answer::get);
            assertThat(answer.get()).as(pod).contains("NOAUTH");
        }
    }

    @Test
    void bothReplicasAreLinkedAndEveryProbePasses() {
        assertThat(replicas()).hasSize(2);
        for (String replica : replicas()) {
            assertThat(redis.call(replica, c -> c.info("replication"))).as(replica)
                    .contains("role:slave", "master_link_status:up");
        }
        for (String pod : cluster.pods().keySet()) {
            assertThat(cluster.ready(pod)).as(pod + " ready by its own readiness probe").isTrue();
            for (Prober prober : cluster.probers(pod)) {
                Prober.Run run = prober.runOnce();
                assertThat(run.exitCode()).as(prober + ": " + run.output()).isZero();
            }
        }
    }

    @Test
    void aWriteOnTheMasterIsReadOnEachReplicaAndRefusedThere() {
        String master = redis.master();
        assertThat(redis.call(master, c -> c.set("valkey-walkthrough", "hello"))).isEqualTo("OK");
        for (String replica : replicas()) {
            cluster.await(replica + " has the write", Duration.ofSeconds(20),
                    () -> "hello".equals(redis.call(replica, c -> c.get("valkey-walkthrough"))), redis::roles);
            String refused;
            try (StatefulRedisConnection<String, String> connection = client.connect(redis.uri(replica))) {
                refused = connection.sync().set("x", "y");
            } catch (RuntimeException e) {
                refused = e.getMessage();
            }
            assertThat(refused).as(replica).contains("READONLY");
        }
    }
}
