package io.github.rediskube.examples.bench;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Start of a fresh deployment: the time from starting the processes, and from the master accepting
 * connections, until every replica is linked ({@code master_link_status:up}). One master and
 * {@code -Dbench.replicas} replicas (default 2) of {@code redis-server} (from {@code PATH} or
 * {@code REDIS_BIN_DIR}) run on 127.0.0.1 from the redis.conf the renderer produces for that spec (port,
 * bind and dir substituted; password, announce address and replicaof appended, as start.sh does); the
 * replicas are started together right after the master answers. Each of {@code -Dbench.rounds} rounds
 * (default 5) runs the rendered config, then the same with the timing before issue 9
 * ({@code repl-diskless-sync-delay 5}, no {@code repl-diskless-sync-max-replicas}) appended.
 *
 * <pre>
 * ./mvnw -q -pl redis-kube-examples -am compile exec:java \
 *     -Dexec.mainClass=io.github.rediskube.examples.bench.ReplicaLinkBenchmark
 * </pre>
 */
public final class ReplicaLinkBenchmark {

    private static final String PASSWORD = "bench-password-0123456789";
    private static final String BEFORE = "repl-diskless-sync-delay 5\nrepl-diskless-sync-max-replicas 0\n";

    private final Path root;
    private final String bin;
    private final List<Process> processes = new ArrayList<>();

    private ReplicaLinkBenchmark(Path root) {
        this.root = root;
        String dir = System.getenv("REDIS_BIN_DIR");
        this.bin = dir == null || dir.isBlank() ? "" : dir + "/";
    }

    public static void main(String[] args) throws Exception {
        int replicas = Integer.getInteger("bench.replicas", 2);
        int rounds = Integer.getInteger("bench.rounds", 5);
        RedisReplicationSpec spec = RedisKube.replication("bench").replicas(replicas)
                .passwordGenerator(PasswordGenerator.fixed(PASSWORD)).resources(r -> r.memoryLimit("256Mi")).build();
        Map<String, String> variants = new LinkedHashMap<>();
        variants.put("rendered", "");
        variants.put("before (delay 5, no max-replicas)", BEFORE);
        Map<String, List<long[]>> results = new LinkedHashMap<>();
        variants.keySet().forEach(v -> results.put(v, new ArrayList<>()));
        RedisClient client = RedisClient.create();
        ReplicaLinkBenchmark bench = new ReplicaLinkBenchmark(Files.createTempDirectory("redis-kube-link"));
        try {
            for (int round = 1; round <= rounds; round++) {
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (Map.Entry<String, String> variant : variants.entrySet()) {
                    long[] times = bench.run(client, spec, variant.getValue());
                    results.get(variant.getKey()).add(times);
                    line.append(String.format(Locale.ROOT, "  %s %d ms (%d after master up)", variant.getKey(),
                            times[0], times[1]));
                }
                System.out.println(line);
            }
            System.out.printf(Locale.ROOT, "%nstart -> all %d replicas linked, %d rounds:%n", replicas, rounds);
            System.out.printf(Locale.ROOT, "%-36s %14s %10s %22s %10s%n", "config", "median (ms)", "max (ms)",
                    "after master up med", "max");
            for (Map.Entry<String, List<long[]>> entry : results.entrySet()) {
                List<Long> total = entry.getValue().stream().map(t -> t[0]).toList();
                List<Long> afterUp = entry.getValue().stream().map(t -> t[1]).toList();
                System.out.printf(Locale.ROOT, "%-36s %14d %10d %22d %10d%n", entry.getKey(), median(total),
                        max(total), median(afterUp), max(afterUp));
            }
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            bench.stopAll();
        }
    }

    /** @return ms from starting the master to every replica linked, and from the master accepting to that */
    private long[] run(RedisClient client, RedisReplicationSpec spec, String extra) throws Exception {
        long start = System.nanoTime();
        int master = startRedis(spec, Role.MASTER, null, extra);
        long masterUp = System.nanoTime();
        List<Integer> replicas = new ArrayList<>();
        for (int i = 0; i < spec.replicas(); i++) {
            replicas.add(startRedis(spec, Role.REPLICA, master, extra));
        }
        for (int replica : replicas) {
            awaitLinked(client, replica);
        }
        long linked = System.nanoTime();
        stopAll();
        return new long[] {(linked - start) / 1_000_000, (linked - masterUp) / 1_000_000};
    }

    private int startRedis(RedisReplicationSpec spec, Role role, Integer masterPort, String extra)
            throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createDirectories(root.resolve(role.label() + "-" + port));
        String conf = renderedConf(spec, role)
                .replace("\nport 6379\n", "\nport " + port + "\n")
                .replace("\nbind * -::*\n", "\nbind 127.0.0.1\n")
                .replace("\ndir /data\n", "\ndir " + dir + "\n")
                + extra + "requirepass " + PASSWORD + "\nmasterauth " + PASSWORD + "\nreplica-announce-ip 127.0.0.1\n"
                + (masterPort == null ? "" : "replicaof 127.0.0.1 " + masterPort + "\n");
        Files.writeString(dir.resolve("redis.conf"), conf);
        Process process = new ProcessBuilder(bin + "redis-server", dir.resolve("redis.conf").toString())
                .directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile())).start();
        processes.add(process);
        if (masterPort == null) {
            awaitListening(port, process, dir);
        }
        return port;
    }

    private static void awaitListening(int port, Process process, Path dir) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("log")));
                }
                Thread.sleep(5);
            }
        }
    }

    private static void awaitLinked(RedisClient client, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(PASSWORD.toCharArray())
                .withTimeout(Duration.ofSeconds(1)).build();
        while (System.nanoTime() < deadline) {
            try (StatefulRedisConnection<String, String> connection = client.connect(uri)) {
                while (System.nanoTime() < deadline) {
                    if (connection.sync().info("replication").contains("master_link_status:up")) {
                        return;
                    }
                    Thread.sleep(5);
                }
            } catch (RuntimeException notYet) {
                Thread.sleep(5);
            }
        }
        throw new IllegalStateException("replica on " + port + " not linked within 60 s");
    }

    private void stopAll() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        processes.clear();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    /** The role's redis.conf as deployed: from the rendered ConfigMap. */
    private static String renderedConf(RedisReplicationSpec spec, Role role) {
        return RedisKube.manifests(spec).stream()
                .filter(o -> o instanceof ConfigMap && o.getMetadata().getName().equals(spec.names().configMap()))
                .map(o -> ((ConfigMap) o).getData().get(role.label() + ".conf"))
                .findFirst().orElseThrow();
    }
}
