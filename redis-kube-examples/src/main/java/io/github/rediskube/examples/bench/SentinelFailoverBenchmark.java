package io.github.rediskube.examples.bench;

import io.github.rediskube.client.RedisKubeConnections;
import io.github.rediskube.client.RedisSentinels;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The write-unavailability window after {@code kill -9} of the master, for three clients writing at the
 * same time against the same processes: the redis-kube split connection from {@link RedisSentinels},
 * Lettuce's stock Sentinel-backed {@code MasterReplica.connect(client, codec, sentinelUri)}, and a plain
 * Lettuce connection from a Sentinel URI. One master, two replicas and three Sentinels of
 * {@code redis-server}/{@code redis-sentinel} (from {@code PATH} or {@code REDIS_BIN_DIR}) run on 127.0.0.1
 * from configs written here; down-after {@code -Dbench.downAfterMs} (default 1000). Each round kills the
 * current master, measures until every client has written again, then restarts the ex-master as a replica
 * of the new one. {@code -Dbench.rounds} rounds (default 7).
 *
 * <pre>
 * ./mvnw -q -pl redis-kube-examples -am compile exec:java \
 *     -Dexec.mainClass=io.github.rediskube.examples.bench.SentinelFailoverBenchmark
 * </pre>
 *
 * Reported per client: median and max of the window from the kill to the first successful write, and of
 * its part after the first {@code +switch-master} announcement.
 */
public final class SentinelFailoverBenchmark {

    private static final String PASSWORD = "bench-password-0123456789";
    private static final String NAME = "bench";

    private final Path root;
    private final String bin;
    private final Map<Integer, Process> processes = new LinkedHashMap<>();

    private SentinelFailoverBenchmark(Path root) {
        this.root = root;
        String dir = System.getenv("REDIS_BIN_DIR");
        this.bin = dir == null || dir.isBlank() ? "" : dir + "/";
    }

    public static void main(String[] args) throws Exception {
        int rounds = Integer.getInteger("bench.rounds", 7);
        long downAfter = Long.getLong("bench.downAfterMs", 1000);
        SentinelFailoverBenchmark bench = new SentinelFailoverBenchmark(Files.createTempDirectory("redis-kube-ha"));
        RedisClient client = RedisClient.create();
        client.setOptions(RedisKubeConnections.recommendedClientOptions());
        List<StatefulRedisConnection<String, String>> connections = new ArrayList<>();
        try {
            int master = bench.startRedis(null);
            List<Integer> redis = new ArrayList<>(List.of(master, bench.startRedis(master), bench.startRedis(master)));
            List<Integer> sentinels = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sentinels.add(bench.startSentinel(master, downAfter));
            }
            RedisURI sentinelUri = sentinelUri(sentinels);
            awaitKnownReplicas(client, sentinels.get(0), 2);

            Map<String, StatefulRedisConnection<String, String>> clients = new LinkedHashMap<>();
            RedisSentinels.Builder ours = RedisSentinels.builder(NAME).password(PASSWORD).timeout(Duration.ofSeconds(1));
            sentinels.forEach(port -> ours.sentinel("127.0.0.1", port));
            clients.put("redis-kube split (RedisSentinels)", RedisKubeConnections.connect(client, ours.build()));
            clients.put("Lettuce MasterReplica (Sentinel)", MasterReplica.connect(client, StringCodec.UTF8,
                    sentinelUri));
            clients.put("Lettuce plain Sentinel connection", client.connect(sentinelUri));
            connections.addAll(clients.values());

            Map<String, List<Long>> windows = new LinkedHashMap<>();
            Map<String, List<Long>> afterSwitch = new LinkedHashMap<>();
            clients.keySet().forEach(k -> {
                windows.put(k, new ArrayList<>());
                afterSwitch.put(k, new ArrayList<>());
            });
            for (int round = 1; round <= rounds; round++) {
                int current = masterPort(client, sentinels.get(0));
                AtomicLong switched = new AtomicLong();
                List<StatefulRedisPubSubConnection<String, String>> watches = watchSwitch(client, sentinels, switched);
                Map<String, Writer> writers = new LinkedHashMap<>();
                clients.forEach((name, connection) -> writers.put(name, new Writer(connection)));
                writers.values().forEach(Thread::start);
                Thread.sleep(300);

                long killed = System.nanoTime();
                bench.processes.remove(current).destroyForcibly().waitFor();
                for (Writer writer : writers.values()) {
                    writer.awaitResumedAfter(killed, Duration.ofMillis(downAfter).plusSeconds(60));
                }
                writers.values().forEach(Writer::halt);
                watches.forEach(StatefulRedisPubSubConnection::close);
                StringBuilder line = new StringBuilder("round " + round + ":");
                for (Map.Entry<String, Writer> entry : writers.entrySet()) {
                    long window = entry.getValue().resumed - killed;
                    windows.get(entry.getKey()).add(window);
                    afterSwitch.get(entry.getKey()).add(entry.getValue().resumed - switched.get());
                    line.append(String.format(Locale.ROOT, "  %s %d ms", entry.getKey(), window / 1_000_000));
                }
                System.out.println(line);

                int promoted = masterPort(client, sentinels.get(0));
                bench.restartAsReplica(current, promoted);
                awaitLinked(client, current);
                Thread.sleep(1500);
            }
            System.out.printf(Locale.ROOT, "%nwrite unavailability after kill -9 of the master, %d rounds, "
                    + "down-after %d ms, 3 Sentinels, quorum 2:%n", rounds, downAfter);
            System.out.printf(Locale.ROOT, "%-36s %12s %12s %20s %16s%n", "client", "median (ms)", "max (ms)",
                    "after switch med", "after switch max");
            for (String name : clients.keySet()) {
                System.out.printf(Locale.ROOT, "%-36s %12d %12d %20d %16d%n", name, median(windows.get(name)),
                        max(windows.get(name)), median(afterSwitch.get(name)), max(afterSwitch.get(name)));
            }
        } finally {
            connections.forEach(StatefulRedisConnection::close);
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            bench.processes.values().forEach(Process::destroyForcibly);
        }
    }

    /** Writes as fast as it can (100 ms timeout per write) and records the first success after a kill. */
    private static final class Writer extends Thread {
        private final StatefulRedisConnection<String, String> connection;
        private volatile boolean running = true;
        private volatile long after = Long.MAX_VALUE;
        private volatile long resumed;

        Writer(StatefulRedisConnection<String, String> connection) {
            this.connection = connection;
            setDaemon(true);
        }

        @Override
        public void run() {
            long i = 0;
            while (running) {
                long start = System.nanoTime();
                try {
                    connection.async().set("bench:" + (i++ % 1000), "v").get(100, TimeUnit.MILLISECONDS);
                    if (start >= after && resumed == 0) {
                        resumed = System.nanoTime();
                    }
                } catch (Exception down) {
                    sleepQuietly(1);
                }
            }
        }

        void awaitResumedAfter(long killed, Duration bound) throws InterruptedException {
            after = killed;
            long deadline = System.nanoTime() + bound.toNanos();
            while (resumed == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("writes did not resume within " + bound + " on " + connection);
                }
                Thread.sleep(5);
            }
        }

        void halt() {
            running = false;
        }
    }

    private static List<StatefulRedisPubSubConnection<String, String>> watchSwitch(RedisClient client,
            List<Integer> sentinels, AtomicLong at) {
        List<StatefulRedisPubSubConnection<String, String>> watches = new ArrayList<>();
        for (int port : sentinels) {
            StatefulRedisPubSubConnection<String, String> watch = client.connectPubSub(uri(port));
            watch.addListener(new RedisPubSubAdapter<>() {
                @Override
                public void message(String channel, String message) {
                    at.compareAndSet(0, System.nanoTime());
                }
            });
            watch.sync().subscribe("+switch-master");
            watches.add(watch);
        }
        return watches;
    }

    private int startRedis(Integer masterPort) throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createDirectories(root.resolve("redis-" + port));
        Files.writeString(dir.resolve("redis.conf"), redisConf(port, dir, masterPort));
        start(port, List.of(bin + "redis-server", dir.resolve("redis.conf").toString()), dir);
        return port;
    }

    private void restartAsReplica(int port, int masterPort) throws IOException, InterruptedException {
        Path dir = root.resolve("redis-" + port);
        Files.writeString(dir.resolve("redis.conf"), redisConf(port, dir, masterPort));
        start(port, List.of(bin + "redis-server", dir.resolve("redis.conf").toString()), dir);
    }

    private static String redisConf(int port, Path dir, Integer masterPort) {
        return "port " + port + "\nbind 127.0.0.1\ndir " + dir + "\nsave \"\"\nappendonly no\n"
                + "repl-diskless-sync yes\nrepl-diskless-sync-delay 0\nreplica-announce-ip 127.0.0.1\n"
                + "requirepass " + PASSWORD + "\nmasterauth " + PASSWORD + "\n"
                + (masterPort == null ? "" : "replicaof 127.0.0.1 " + masterPort + "\n");
    }

    private int startSentinel(int masterPort, long downAfter) throws IOException, InterruptedException {
        int port = freePort();
        Path dir = Files.createDirectories(root.resolve("sentinel-" + port));
        Files.writeString(dir.resolve("sentinel.conf"), "port " + port + "\nbind 127.0.0.1\nprotected-mode no\n"
                + "sentinel resolve-hostnames yes\nsentinel announce-hostnames yes\n"
                + "sentinel monitor " + NAME + " 127.0.0.1 " + masterPort + " 2\n"
                + "sentinel down-after-milliseconds " + NAME + " " + downAfter + "\n"
                + "sentinel failover-timeout " + NAME + " 5000\nsentinel parallel-syncs " + NAME + " 1\n"
                + "sentinel auth-pass " + NAME + " " + PASSWORD + "\nrequirepass " + PASSWORD + "\n"
                + "sentinel sentinel-pass " + PASSWORD + "\nsentinel announce-ip 127.0.0.1\n");
        start(port, List.of(bin + "redis-sentinel", dir.resolve("sentinel.conf").toString()), dir);
        return port;
    }

    private void start(int port, List<String> command, Path dir) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log").toFile())).start();
        processes.put(port, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException(command + " did not start: " + Files.readString(dir.resolve("log")));
                }
                Thread.sleep(20);
            }
        }
    }

    private static RedisURI uri(int port) {
        return RedisURI.builder().withHost("127.0.0.1").withPort(port).withPassword(PASSWORD.toCharArray())
                .withTimeout(Duration.ofSeconds(1)).build();
    }

    private static RedisURI sentinelUri(List<Integer> sentinels) {
        // the Sentinels' own password goes on each Sentinel address; withPassword is the data nodes'
        RedisURI.Builder builder = RedisURI.Builder.sentinel("127.0.0.1", sentinels.get(0), NAME, PASSWORD);
        sentinels.subList(1, sentinels.size()).forEach(port -> builder.withSentinel("127.0.0.1", port, PASSWORD));
        return builder.withPassword(PASSWORD.toCharArray()).withTimeout(Duration.ofSeconds(1)).build();
    }

    private static int masterPort(RedisClient client, int sentinel) {
        try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(uri(sentinel))) {
            return ((InetSocketAddress) c.sync().getMasterAddrByName(NAME)).getPort();
        }
    }

    private static void awaitKnownReplicas(RedisClient client, int sentinel, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(uri(sentinel))) {
                if (c.sync().replicas(NAME).size() >= count) {
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("Sentinels do not know " + count + " replicas after 30 s");
    }

    private static void awaitLinked(RedisClient client, int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            try (StatefulRedisConnection<String, String> c = client.connect(uri(port))) {
                if (c.sync().info("replication").contains("master_link_status:up")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // restarting
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("127.0.0.1:" + port + " did not link to its master within 30 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static long median(List<Long> nanos) {
        List<Long> sorted = nanos.stream().sorted().toList();
        return sorted.get(sorted.size() / 2) / 1_000_000;
    }

    private static long max(List<Long> nanos) {
        return nanos.stream().mapToLong(Long::longValue).max().orElse(0) / 1_000_000;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
