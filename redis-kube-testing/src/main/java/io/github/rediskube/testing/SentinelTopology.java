package io.github.rediskube.testing;

import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Redis pods and Sentinels of a Sentinel spec as real processes on 127.0.0.1, run from exactly what the
 * renderer produces: each role's redis.conf, start.sh, probe.sh, ha.sh, sentinel.conf and
 * sentinel-master.conf, with only ports, the bind address and directories substituted. Redis pods start
 * through {@code ha.sh start} (asking the Sentinels whom to follow), Sentinels through {@code ha.sh sentinel}.
 *
 * <pre>{@code
 * try (SentinelTopology ha = SentinelTopology.start(spec, tempDir)) {
 *     RedisNode master = ha.currentMaster();
 *     master.kill();
 *     RedisNode promoted = ha.awaitMasterOtherThan(master, Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class SentinelTopology implements AutoCloseable {

    private final RedisReplicationSpec spec;
    private final Path root;
    private final Path binDir;
    private final List<RedisNode> redis = new ArrayList<>();
    private final List<RedisNode> sentinels = new ArrayList<>();
    private final List<Integer> sentinelPorts = new ArrayList<>();
    private final RedisClient client = RedisClient.create();
    private final Map<RedisNode, Map<String, String>> environments = new java.util.HashMap<>();
    private int bootstrapPort;

    private SentinelTopology(RedisReplicationSpec spec, Path root) {
        this.spec = spec;
        this.root = root;
        this.binDir = RedisBinaries.requireSentinelDirectory();
    }

    /**
     * Starts the Sentinels, then pod 0 of the master StatefulSet, then the replicas, as Kubernetes would
     * (there all at once; here in order so each start can be awaited).
     *
     * @param spec a spec with Sentinel
     * @param root a scratch directory
     * @return the running set; close it to stop every process
     */
    public static SentinelTopology start(RedisReplicationSpec spec, Path root) {
        if (!spec.sentinelEnabled()) {
            throw new IllegalArgumentException("spec " + spec.name() + " has no sentinel(..)");
        }
        SentinelTopology topology = new SentinelTopology(spec, root);
        try {
            for (int i = 0; i < spec.sentinel().sentinels(); i++) {
                topology.sentinelPorts.add(RedisTopology.freePort());
            }
            topology.bootstrapPort = RedisTopology.freePort();
            for (int i = 0; i < spec.sentinel().sentinels(); i++) {
                topology.sentinels.add(topology.newSentinel(topology.sentinelPorts.get(i)).start());
            }
            topology.redis.add(topology.newRedis(Role.MASTER, topology.bootstrapPort).start());
            for (int i = 0; i < spec.replicas(); i++) {
                topology.redis.add(topology.newRedis(Role.REPLICA, RedisTopology.freePort()).start());
            }
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    /** @return every Redis node, pod 0 of the master StatefulSet first */
    public List<RedisNode> redisNodes() {
        return List.copyOf(redis);
    }

    /** @return the Sentinel processes */
    public List<RedisNode> sentinels() {
        return List.copyOf(sentinels);
    }

    /** @return the password of servers and Sentinels, or {@code null} */
    public String password() {
        return spec.auth().password();
    }

    /** @return the master set's name, the spec's name */
    public String masterName() {
        return spec.name();
    }

    /** @return Lettuce's Sentinel URI for this set (every Sentinel, with the password) */
    public RedisURI sentinelUri() {
        RedisURI.Builder builder = null;
        for (int port : sentinelPorts) {
            // the Sentinels' own password goes on each Sentinel address; withPassword is the data nodes'
            builder = builder == null ? RedisURI.Builder.sentinel("127.0.0.1", port, masterName(), password())
                    : builder.withSentinel("127.0.0.1", port, password());
        }
        if (password() != null) {
            builder.withPassword(password().toCharArray());
        }
        return builder.withTimeout(Duration.ofSeconds(5)).build();
    }

    /** @return the ports the Sentinels listen on */
    public List<Integer> sentinelPorts() {
        return List.copyOf(sentinelPorts);
    }

    /** @return the master's port as the first live Sentinel that answers names it */
    public Optional<Integer> masterPortFromSentinels() {
        for (RedisNode sentinel : sentinels) {
            if (!sentinel.alive()) {
                continue;
            }
            try (StatefulRedisSentinelConnection<String, String> connection = client.connectSentinel(sentinel.uri())) {
                SocketAddress address = connection.sync().getMasterAddrByName(masterName());
                if (address instanceof InetSocketAddress inet) {
                    return Optional.of(inet.getPort());
                }
            } catch (RuntimeException e) {
                // this Sentinel cannot answer now: ask the next one
            }
        }
        return Optional.empty();
    }

    /** @return the node the Sentinels name master */
    public RedisNode currentMaster() {
        int port = masterPortFromSentinels().orElseThrow(() -> new IllegalStateException("no Sentinel answers"));
        return redis.stream().filter(n -> n.port() == port).findFirst()
                .orElseThrow(() -> new IllegalStateException("Sentinels name port " + port + ", not one of " + redis));
    }

    /**
     * Waits until the Sentinels name a master other than {@code old} and that node reports role master.
     *
     * @param old     the master that died
     * @param timeout the bound
     * @return the promoted node
     */
    public RedisNode awaitMasterOtherThan(RedisNode old, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<Integer> port = masterPortFromSentinels();
            if (port.isPresent() && port.get() != old.port()) {
                RedisNode promoted = currentMaster();
                String role = promoted.call(client, c -> c.role().get(0).toString());
                if ("master".equals(role)) {
                    return promoted;
                }
            }
            sleep(50);
        }
        throw new AssertionError("no new master within " + timeout + "; Sentinel logs:\n" + sentinelLogs());
    }

    /**
     * Waits until every live Sentinel knows {@code count} replicas. Sentinels learn replicas from the
     * master's INFO every 10 s, so in the first seconds of a new set they cannot reconfigure replicas
     * they have not seen yet.
     *
     * @param count   replicas to know
     * @param timeout the bound
     */
    public void awaitSentinelsKnowReplicas(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            boolean all = true;
            for (RedisNode sentinel : sentinels) {
                if (!sentinel.alive()) {
                    continue;
                }
                try (StatefulRedisSentinelConnection<String, String> c = client.connectSentinel(sentinel.uri())) {
                    all &= c.sync().replicas(masterName()).size() >= count;
                } catch (RuntimeException e) {
                    all = false;
                }
            }
            if (all) {
                return;
            }
            sleep(100);
        }
        throw new AssertionError("Sentinels do not know " + count + " replicas within " + timeout + ":\n"
                + sentinelLogs());
    }

    /** @return every Sentinel's log, for failure messages */
    public String sentinelLogs() {
        return sentinels.stream().map(RedisNode::log).collect(Collectors.joining("\n---\n"));
    }

    /**
     * Waits until a replica reports its link to the current master up.
     *
     * @param replica the replica
     * @param timeout the bound
     */
    public void awaitLinked(RedisNode replica, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                last = replica.call(client, c -> c.info("replication"));
                if (last.contains("role:slave") && last.contains("master_link_status:up")
                        && last.contains("master_port:" + currentMaster().port() + "\r")) {
                    return;
                }
            } catch (RuntimeException notYet) {
                last = notYet.toString();
            }
            sleep(50);
        }
        throw new AssertionError(replica + " not linked to the master within " + timeout + ": " + last + "\n"
                + replica.log() + "\nSentinels:\n" + sentinelLogs());
    }

    private RedisNode newRedis(Role role, int port) {
        Path home = root.resolve("redis-" + port);
        try {
            Path config = Files.createDirectories(home.resolve("config"));
            Path runtime = Files.createDirectories(home.resolve("run"));
            Path data = Files.createDirectories(home.resolve("data"));
            for (Role each : Role.values()) {
                Files.writeString(config.resolve(each.label() + ".conf"),
                        RedisTopology.substitute(RedisManifests.redisConf(spec, each), port, data));
            }
            Files.writeString(config.resolve(RedisManifests.START_SCRIPT_KEY), RedisManifests.startScript());
            Files.writeString(config.resolve(RedisManifests.PROBE_SCRIPT_KEY), RedisManifests.probeScript());
            Files.writeString(config.resolve(RedisManifests.PASSWORD_SCRIPT_KEY), RedisManifests.passwordScript());
            Path script = config.resolve(RedisManifests.HA_SCRIPT_KEY);
            Files.writeString(script, RedisManifests.haScript(), StandardCharsets.UTF_8);
            ProcessBuilder launcher = new ProcessBuilder("sh", script.toString(), "start").directory(home.toFile());
            Map<String, String> env = environment(launcher, config, runtime);
            env.put("REDIS_ROLE", role.label());
            env.put("REDIS_PORT", String.valueOf(port));
            env.put("REDIS_ANNOUNCE_HOST", "127.0.0.1");
            env.put("REDIS_MODE", spec.mode().name().toLowerCase(java.util.Locale.ROOT));
            env.put("REDIS_DATA_DIR", data.toString());
            RedisNode node = new RedisNode(role.label(), port, password(), home, launcher);
            environments.put(node, Map.copyOf(env));
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare redis under " + home, e);
        }
    }

    private RedisNode newSentinel(int port) {
        Path home = root.resolve("sentinel-" + port);
        try {
            Path config = Files.createDirectories(home.resolve("config"));
            Path runtime = Files.createDirectories(home.resolve("run"));
            Files.writeString(config.resolve("sentinel.conf"), substituteSentinel(RedisManifests.sentinelConf(spec), port));
            Files.writeString(config.resolve("sentinel-master.conf"), RedisManifests.sentinelMasterConf(spec));
            Files.writeString(config.resolve(RedisManifests.PASSWORD_SCRIPT_KEY), RedisManifests.passwordScript());
            Path script = config.resolve(RedisManifests.HA_SCRIPT_KEY);
            Files.writeString(script, RedisManifests.haScript(), StandardCharsets.UTF_8);
            ProcessBuilder launcher = new ProcessBuilder("sh", script.toString(), "sentinel").directory(home.toFile());
            Map<String, String> env = environment(launcher, config, runtime);
            env.put("SENTINEL_PORT", String.valueOf(port));
            env.put("SENTINEL_QUORUM", String.valueOf(spec.sentinel().quorum()));
            env.put("SENTINEL_ANNOUNCE_HOST", "127.0.0.1");
            return new RedisNode("sentinel", port, password(), home, launcher);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare sentinel under " + home, e);
        }
    }

    private Map<String, String> environment(ProcessBuilder launcher, Path config, Path runtime) {
        Map<String, String> env = launcher.environment();
        env.put("PATH", binDir + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
        env.put("REDIS_CONFIG_DIR", config.toString());
        env.put("REDIS_RUNTIME_DIR", runtime.toString());
        env.put("REDIS_SENTINELS", sentinelPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(" ")));
        env.put("REDIS_MASTER_SET", masterName());
        env.put("REDIS_MASTER_HOST", "127.0.0.1");
        env.put("REDIS_MASTER_PORT", String.valueOf(bootstrapPort));
        if (password() != null) {
            env.put("REDIS_PASSWORD", password());
        }
        return env;
    }

    /**
     * Runs the rendered ha.sh with a sub-command in a Redis node's environment, as the kubelet would run a
     * probe or preStop hook in its pod.
     *
     * @param node    a Redis node of this set
     * @param extra   environment added for this run (e.g. REDIS_ROLE_DIR, a PATH with a stand-in kubectl)
     * @param timeout the bound; the script is killed after it
     * @param args    the sub-command and its arguments
     * @return the exit code (-1 when killed at the bound) and output
     */
    public RedisTopology.ProbeResult runScript(RedisNode node, Map<String, String> extra, Duration timeout,
            String... args) {
        List<String> command = new ArrayList<>(List.of("sh", node.home().resolve("config")
                .resolve(RedisManifests.HA_SCRIPT_KEY).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environments.get(node));
        builder.environment().putAll(extra);
        try {
            Path out = Files.createTempFile(root, "script", ".log");
            Process process = builder.redirectOutput(out.toFile()).start();
            boolean done = process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            if (!done) {
                process.destroyForcibly().waitFor();
            }
            return new RedisTopology.ProbeResult(done ? process.exitValue() : -1, Files.readString(out).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Only what cannot hold outside a pod changes: the port and the bind address. */
    static String substituteSentinel(String conf, int port) {
        String result = conf.replace("\nport 26379\n", "\nport " + port + "\n")
                .replace("\nbind * -::*\n", "\nbind 127.0.0.1\n");
        if (!result.contains("\nport " + port + "\n") || !result.contains("\nbind 127.0.0.1\n")) {
            throw new IllegalStateException("rendered sentinel.conf no longer has the port/bind lines this test "
                    + "substitutes:\n" + conf);
        }
        return result;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        for (int i = redis.size() - 1; i >= 0; i--) {
            redis.get(i).kill();
        }
        for (RedisNode sentinel : sentinels) {
            sentinel.kill();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
    }
}
