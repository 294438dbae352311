package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Container;
import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The classic scenario (master with a 4096M limit, two replicas) as real containers: the rendered pods,
 * commands, scripts, env, mounts, securityContext and probes run by podman with the test image (Debian's
 * Redis 7.0.15, not the spec's default 7.2.11 image).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClassicScenarioContainerTest {

    private RedisReplicationSpec spec;
    private PodmanCluster cluster;
    private RedisClient client;

    @BeforeAll
    void play() {
        Podman.require();
        TestImages images = TestImages.get();
        spec = RedisKube.replication("orders")
                .namespace("tenant-a")
                .replicas(2)
                .master(n -> n.memoryLimit("4096M"))
                .exposeNodePorts(32379, 32380)
                .image(images.redis())
                .imagePullPolicy("Never")
                .build();
        cluster = PodmanCluster.start(RedisKube.manifests(spec), PodmanCluster.Options.defaults());
        cluster.await("every pod ready and every replica linked", Duration.ofSeconds(90),
                () -> cluster.pods().keySet().stream().allMatch(cluster::ready) && replicasLinked(),
                () -> "pods " + cluster.pods().keySet());
        System.out.printf("container tier: classic scenario (Redis 7.0.15 image), kube play to every pod ready: "
                + "%d ms, every replica seen linked: %d ms (kube play itself: %d ms; %s)%n", cluster.allReadyMillis(),
                System.currentTimeMillis() - cluster.playStartedMillis(), cluster.playMillis(), cluster.firstReadiness());
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

    private String master() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-master-")).findFirst().orElseThrow();
    }

    private List<String> replicas() {
        return cluster.pods().keySet().stream().filter(p -> p.contains("-replica-")).toList();
    }

    private boolean replicasLinked() {
        return replicas().stream().allMatch(r -> cluster.exec(r, "redis", "sh", "-c",
                "REDISCLI_AUTH=\"$(cat \"$REDIS_PASSWORD_FILE\")\" redis-cli info replication").stdout().contains("master_link_status:up"));
    }

    private String onPod(String pod, Function<io.lettuce.core.api.sync.RedisCommands<String, String>, String> call) {
        RedisURI uri = RedisURI.builder().withHost(cluster.pod(pod).ip()).withPort(6379)
                .withPassword(spec.auth().password().toCharArray()).withTimeout(Duration.ofSeconds(10)).build();
        try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
            return call.apply(connection.sync());
        }
    }

    @Test
    void everyContainerRunsAsUid999WithAReadOnlyRootFilesystemAndNoCapabilities() {
        for (String pod : cluster.pods().keySet()) {
            for (Container container : cluster.pod(pod).original().getSpec().getContainers()) {
                String name = container.getName();
                assertThat(cluster.exec(pod, name, "id", "-u").orThrow().stdout().strip()).as(pod).isEqualTo("999");
                assertThat(cluster.exec(pod, name, "id", "-g").orThrow().stdout().strip()).as(pod).isEqualTo("999");
                Podman.Result write = cluster.exec(pod, name, "sh", "-c", "echo x > /etc/redis-kube-probe");
                assertThat(write.ok()).as(pod + ": write to the root filesystem").isFalse();
                assertThat(write.stderr()).contains("Read-only file system");
                String caps = cluster.exec(pod, name, "sh", "-c", "grep -E '^Cap(Eff|Prm|Bnd)' /proc/1/status")
                        .orThrow().stdout();
                assertThat(caps.lines()).as(pod + " capabilities of pid 1").hasSize(3)
                        .allMatch(l -> l.endsWith("0000000000000000"));
                assertThat(cluster.inspect(pod, name, "{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
            }
        }
        assertThat(cluster.exec(master(), "redis", "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes")
                .orThrow().stdout().strip()).as("the master's 4096M is a cgroup limit").isEqualTo("4096000000");
    }

    @Test
    void withoutThePasswordEveryServerAnswersNoauth() throws InterruptedException {
        for (String pod : cluster.pods().keySet()) {
            RedisURI uri = RedisURI.create("redis://" + cluster.pod(pod).ip() + ":6379");
            // a refused connection is no answer (seen once: a replica container between restarts on a loaded
            // CI run): ask again, bounded; any answer must be NOAUTH, and serving without the password fails
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            Throwable refusal;
            do {
                refusal = org.assertj.core.api.Assertions.catchThrowable(() -> {
                    try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
                        connection.sync().get("k");
                    }
                });
                assertThat(refusal).as(pod + " served a command without the password").isNotNull();
                if (stackTrace(refusal).contains("NOAUTH") || System.nanoTime() > deadline) {
                    break;
                }
                Thread.sleep(500);
            } while (true);
            assertThat(refusal).as(pod).hasStackTraceContaining("NOAUTH");
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter out = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(out));
        return out.toString();
    }

    @Test
    void bothReplicasAreLinkedAndEveryProbePasses() {
        for (String replica : replicas()) {
            assertThat(onPod(replica, c -> c.info("replication"))).as(replica)
                    .contains("role:slave", "master_link_status:up");
        }
        assertThat(replicas()).hasSize(2);
        for (String pod : cluster.pods().keySet()) {
            assertThat(cluster.ready(pod)).as(pod + " ready by its own readiness probe").isTrue();
            for (Prober prober : cluster.probers(pod)) {
                Prober.Run run = prober.runOnce();
                assertThat(run.exitCode()).as(prober + ": " + run.output()).isZero();
            }
        }
    }

    @Test
    void aWriteOnTheMasterIsReadOnEachReplica() {
        assertThat(onPod(master(), c -> c.set("walkthrough", "hello"))).isEqualTo("OK");
        for (String replica : replicas()) {
            cluster.await(replica + " has the write", Duration.ofSeconds(20),
                    () -> "hello".equals(onPod(replica, c -> c.get("walkthrough"))), () -> "");
            assertThatThrownBy(() -> onPod(replica, c -> c.set("x", "y"))).hasMessageContaining("READONLY");
        }
    }

    /**
     * A replica counts the SETs it receives from its master in its own commandstats too: what tells a write
     * sent to a replica apart is that it is refused there (READONLY: rejected or failed calls).
     */
    @Test
    void theSplitConnectionSendsEveryWriteToTheMasterAndReadsOnlyToReplicas() {
        RedisEndpoints endpoints = RedisEndpoints.of(spec).toBuilder().password(spec.auth().password())
                .addressMapper(cluster::map).build();   // a spec carries no password (the Secret holds it)
        Map<String, long[]> writesBefore = calls("set");
        int n = 200;
        try (StatefulRedisMasterReplicaConnection<String, String> split = RedisKubeConnections.connect(client, endpoints)) {
            for (int i = 0; i < n; i++) {
                assertThat(split.sync().set("split:" + i, "v" + i)).isEqualTo("OK");
            }
            cluster.await("the replicas have every write", Duration.ofSeconds(20),
                    () -> replicas().stream().allMatch(r -> ("v" + (n - 1)).equals(onPod(r, c -> c.get("split:" + (n - 1))))),
                    () -> "");
            Map<String, long[]> readsBefore = calls("get");
            for (int i = 0; i < n; i++) {
                assertThat(split.sync().get("split:" + i)).isEqualTo("v" + i);
            }
            Map<String, long[]> writes = delta(writesBefore, calls("set"));
            Map<String, long[]> reads = delta(readsBefore, calls("get"));
            assertThat(writes.get(master())[0]).as("SET calls on the master").isEqualTo(n);
            for (String replica : replicas()) {
                assertThat(writes.get(replica)[0]).as("SETs on " + replica + ": only the replicated ones").isEqualTo(n);
                assertThat(writes.get(replica)[1]).as("SETs refused on " + replica).isZero();
            }
            assertThat(reads.get(master())[0]).as("GETs on the master").isZero();
            assertThat(replicas().stream().mapToLong(r -> reads.get(r)[0]).sum()).as("GETs on the replicas").isEqualTo(n);
        }
    }

    /** {calls, rejected_calls + failed_calls} of cmdstat_&lt;command&gt; of each server, from its INFO commandstats. */
    private Map<String, long[]> calls(String command) {
        Map<String, long[]> calls = new java.util.TreeMap<>();
        for (String pod : cluster.pods().keySet()) {
            String stats = onPod(pod, c -> c.info("commandstats"));
            String line = stats.lines().filter(l -> l.startsWith("cmdstat_" + command + ":")).findFirst().orElse("");
            calls.put(pod, new long[] {stat(line, "calls"), stat(line, "rejected_calls") + stat(line, "failed_calls")});
        }
        return calls;
    }

    private static long stat(String line, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[:,]" + field + "=(\\d+)").matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static Map<String, long[]> delta(Map<String, long[]> before, Map<String, long[]> after) {
        Map<String, long[]> delta = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            long[] b = before.getOrDefault(k, new long[2]);
            delta.put(k, new long[] {v[0] - b[0], v[1] - b[1]});
        });
        return delta;
    }
}
