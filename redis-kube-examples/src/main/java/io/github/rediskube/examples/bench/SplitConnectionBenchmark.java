package io.github.rediskube.examples.bench;

import io.github.rediskube.client.RedisEndpoints;
import io.github.rediskube.client.RedisKubeConnections;
import io.lettuce.core.LettuceFutures;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Throughput of the redis-kube split connection against a plain Lettuce connection to the master and
 * against Lettuce's stock static {@code MasterReplica.connect(client, codec, uris)}, in one run on the same
 * servers: one master and two replicas of {@code redis-server} (from {@code PATH} or {@code REDIS_BIN_DIR})
 * on 127.0.0.1, started here from a minimal config and stopped at the end. Takes about 40 s.
 *
 * <pre>
 * ./mvnw -q -pl redis-kube-examples -am compile exec:java \
 *     -Dexec.mainClass=io.github.rediskube.examples.bench.SplitConnectionBenchmark
 * </pre>
 *
 * Workloads: SET async pipelined (batches of 100), SET sync, GET async pipelined, GET sync. The split
 * connection and the stock MasterReplica read with {@code ANY_REPLICA}; the plain connection reads from the
 * master. Each workload runs {@code -Dbench.rounds} rounds (default 60); a round runs the three connections
 * back to back for {@code -Dbench.seconds} each (default 0.05), their order rotating. Short interleaved
 * slices make each ratio compare runs that shared the machine's (large, on small VMs) noise: the table
 * shows the median throughput and the median of the per-round ratios.
 */
public final class SplitConnectionBenchmark {

    private static final String PASSWORD = "bench-password-0123456789";
    private static final int BATCH = 100;
    private static final int KEYS = 1000;

    private SplitConnectionBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", "0.05"));
        int rounds = Integer.getInteger("bench.rounds", 60);
        Path root = Files.createTempDirectory("redis-kube-bench");
        List<Process> servers = new ArrayList<>();
        RedisClient client = RedisClient.create();
        client.setOptions(RedisKubeConnections.recommendedClientOptions());
        try {
            int master = startServer(root, servers, null);
            int replica1 = startServer(root, servers, master);
            int replica2 = startServer(root, servers, master);
            RedisURI masterUri = uri(master);
            awaitOnlineReplicas(client, masterUri, 2);

            Map<String, StatefulRedisConnection<String, String>> connections = new LinkedHashMap<>();
            connections.put("plain master", client.connect(masterUri));
            connections.put("redis-kube split", RedisKubeConnections.connect(client, StringCodec.UTF8,
                    RedisEndpoints.builder()
                            .master("127.0.0.1", master)
                            .replica("127.0.0.1", replica1)
                            .replica("127.0.0.1", replica2)
                            .password(PASSWORD)
                            .build(),
                    ReadFrom.ANY_REPLICA));
            StatefulRedisMasterReplicaConnection<String, String> stock = MasterReplica.connect(client,
                    StringCodec.UTF8, List.of(masterUri, uri(replica1), uri(replica2)));
            stock.setReadFrom(ReadFrom.ANY_REPLICA);
            connections.put("stock MasterReplica", stock);

            preload(connections.get("plain master"));
            awaitReplicated(client, uri(replica1), uri(replica2));

            List<String> workloads = List.of("SET async pipelined", "SET sync", "GET async pipelined", "GET sync");
            Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
            List<String> names = new ArrayList<>(connections.keySet());
            for (String name : names) { // warm-up: JIT and connections
                for (String workload : workloads) {
                    run(workload, connections.get(name), 0.3);
                }
            }
            for (String workload : workloads) {
                for (int round = 0; round < rounds; round++) {
                    for (int i = 0; i < names.size(); i++) { // back to back, order rotating: pairs share the noise
                        String name = names.get((i + round) % names.size());
                        double opsPerSecond = run(workload, connections.get(name), seconds);
                        results.computeIfAbsent(workload, w -> new LinkedHashMap<>())
                                .computeIfAbsent(name, n -> new ArrayList<>()).add(opsPerSecond);
                    }
                }
            }
            print(results, names);
            connections.values().forEach(StatefulRedisConnection::close);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            for (Process server : servers) {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static double run(String workload, StatefulRedisConnection<String, String> connection, double seconds) {
        long end = System.nanoTime() + (long) (seconds * 1e9);
        long ops = 0;
        long start = System.nanoTime();
        boolean write = workload.startsWith("SET");
        boolean async = workload.contains("async");
        while (System.nanoTime() < end) {
            if (async) {
                List<RedisFuture<String>> futures = new ArrayList<>(BATCH);
                for (int i = 0; i < BATCH; i++) {
                    String key = "k" + ((ops + i) % KEYS);
                    futures.add(write ? connection.async().set(key, "v") : connection.async().get(key));
                }
                if (!LettuceFutures.awaitAll(Duration.ofSeconds(10), futures.toArray(new RedisFuture[0]))) {
                    throw new IllegalStateException(workload + " batch did not complete in 10 s");
                }
                ops += BATCH;
            } else {
                String key = "k" + (ops % KEYS);
                if (write) {
                    connection.sync().set(key, "v");
                } else {
                    connection.sync().get(key);
                }
                ops++;
            }
        }
        return ops / ((System.nanoTime() - start) / 1e9);
    }

    private static void print(Map<String, Map<String, List<Double>>> results, List<String> names) {
        System.out.printf(Locale.ROOT, "%-22s", "ops/s (median)");
        names.forEach(n -> System.out.printf(Locale.ROOT, " | %20s", n));
        System.out.printf(Locale.ROOT, " | %14s | %14s%n", "split/plain", "split/stock");
        results.forEach((workload, perConnection) -> {
            System.out.printf(Locale.ROOT, "%-22s", workload);
            names.forEach(n -> System.out.printf(Locale.ROOT, " | %20.0f", median(perConnection.get(n))));
            List<Double> split = perConnection.get("redis-kube split");
            System.out.printf(Locale.ROOT, " | %14.3f | %14.3f%n", medianRatio(split, perConnection.get("plain master")),
                    medianRatio(split, perConnection.get("stock MasterReplica")));
        });
    }

    /** @return the median over rounds of the ratio measured within one round (back-to-back runs) */
    private static double medianRatio(List<Double> numerators, List<Double> denominators) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < numerators.size(); i++) {
            ratios.add(numerators.get(i) / denominators.get(i));
        }
        return median(ratios);
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted.length % 2 == 1 ? sorted[sorted.length / 2]
                : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
    }

    private static void preload(StatefulRedisConnection<String, String> master) {
        for (int i = 0; i < KEYS; i++) {
            master.async().set("k" + i, "v");
        }
        master.sync().ping();
    }

    private static int startServer(Path root, List<Process> servers, Integer masterPort) throws IOException {
        int port = freePort();
        Path dir = Files.createDirectories(root.resolve("redis-" + port));
        StringBuilder conf = new StringBuilder()
                .append("port ").append(port).append('\n')
                .append("bind 127.0.0.1\n")
                .append("dir ").append(dir).append('\n')
                .append("save \"\"\nappendonly no\n")
                .append("requirepass ").append(PASSWORD).append('\n')
                .append("repl-diskless-sync-delay 0\n");
        if (masterPort != null) {
            conf.append("replicaof 127.0.0.1 ").append(masterPort).append('\n')
                    .append("masterauth ").append(PASSWORD).append('\n');
        }
        Path file = Files.writeString(dir.resolve("redis.conf"), conf.toString());
        String binDir = System.getenv("REDIS_BIN_DIR");
        String server = binDir == null || binDir.isBlank() ? "redis-server" : Path.of(binDir, "redis-server").toString();
        Process process = new ProcessBuilder(server, file.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile())
                .start();
        servers.add(process);
        awaitPing(uri(port), process);
        return port;
    }

    private static void awaitPing(RedisURI uri, Process process) {
        RedisClient probe = RedisClient.create();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("redis-server for " + uri + " exited with " + process.exitValue()
                            + ": is redis-server 7 on PATH (or REDIS_BIN_DIR)?");
                }
                try (StatefulRedisConnection<String, String> c = probe.connect(uri)) {
                    c.sync().ping();
                    return;
                } catch (RuntimeException notYet) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("redis-server at " + uri + " did not answer PING in 10 s", notYet);
                    }
                }
                sleep(50);
            }
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    private static void awaitOnlineReplicas(RedisClient client, RedisURI master, int count) {
        try (StatefulRedisConnection<String, String> c = client.connect(master)) {
            for (int i = 0; i < 200; i++) {
                long online = Arrays.stream(c.sync().info("replication").split("\r?\n"))
                        .filter(l -> l.startsWith("slave") && l.contains("state=online")).count();
                if (online == count) {
                    return;
                }
                sleep(50);
            }
        }
        throw new IllegalStateException(count + " replicas did not come online in 10 s");
    }

    private static void awaitReplicated(RedisClient client, RedisURI... replicas) {
        for (RedisURI replica : replicas) {
            try (StatefulRedisConnection<String, String> c = client.connect(replica)) {
                for (int i = 0; i < 200 && c.sync().dbsize() < KEYS; i++) {
                    sleep(50);
                }
            }
        }
    }

    private static RedisURI uri(int port) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(PASSWORD.toCharArray())
                .withTimeout(Duration.ofSeconds(10)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
