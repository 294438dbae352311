package io.github.rediskube.testing;

import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A master and replicas of real redis-server processes on 127.0.0.1, run from exactly what the
 * renderer produces for a spec: the role's redis.conf and the start script, with only the port, the
 * bind address and the data directory substituted (there is no pod network, no /data here).
 *
 * <pre>{@code
 * try (RedisTopology redis = RedisTopology.start(spec, tempDir)) {
 *     redis.master().port();
 * }
 * }</pre>
 */
public final class RedisTopology implements AutoCloseable {

    private final RedisReplicationSpec spec;
    private final Path root;
    private final Path binDir;
    private final List<RedisNode> nodes = new ArrayList<>();
    private RedisNode master;

    private final String storedPassword;

    private RedisTopology(RedisReplicationSpec spec, Path root, String storedPassword) {
        this.spec = spec;
        this.root = root;
        this.binDir = RedisBinaries.requireDirectory();
        this.storedPassword = storedPassword;
    }

    /**
     * Starts the master, then {@code spec.replicas()} replicas following it.
     *
     * @param spec the spec whose rendered config to run
     * @param root a scratch directory (e.g. JUnit's {@code @TempDir})
     * @return the running topology; close it to stop every process
     */
    public static RedisTopology start(RedisReplicationSpec spec, Path root) {
        return start(spec, root, spec.auth().password());
    }

    /**
     * Like {@link #start(RedisReplicationSpec, Path)}, with each pod's Secret volume holding a Secret's value as
     * stored (e.g. with the trailing newline {@code kubectl create secret --from-file} keeps), for a spec
     * whose password lives in an existing Secret.
     *
     * @param spec           the spec whose rendered config to run
     * @param root           a scratch directory
     * @param storedPassword the Secret's value exactly as the pods' password file holds it, or {@code null}
     * @return the running topology; its clients use the password as {@link Auth#secretPassword} reads it
     */
    public static RedisTopology start(RedisReplicationSpec spec, Path root, String storedPassword) {
        RedisTopology topology = new RedisTopology(spec, root, storedPassword);
        try {
            topology.master = topology.newNode(Role.MASTER, (Integer) null).start();
            for (int i = 0; i < spec.replicas(); i++) {
                topology.addReplica();
            }
            return topology;
        } catch (RuntimeException e) {
            topology.close();
            throw e;
        }
    }

    /** @return the master node */
    public RedisNode master() {
        return master;
    }

    /** @return the replica nodes, in start order */
    public List<RedisNode> replicas() {
        return nodes.stream().filter(n -> n != master).toList();
    }

    /** @return the password the servers require, or {@code null} */
    public String password() {
        return Auth.secretPassword(storedPassword);
    }

    /** The password clients use; a stored value the rule refuses is passed on (the pods refuse it themselves). */
    private String clientPassword() {
        try {
            return password();
        } catch (IllegalArgumentException refused) {
            return storedPassword;
        }
    }

    /** Starts one more replica following the master. */
    public RedisNode addReplica() {
        return newNode(Role.REPLICA, master).start();
    }

    /**
     * Starts one more replica whose {@code REDIS_MASTER_HOST}/{@code _PORT} name another address than the
     * master's own (e.g. a relay standing for the master pod's DNS name).
     *
     * @param port the port on 127.0.0.1 the replica follows
     * @return the started replica
     */
    public RedisNode addReplicaFollowing(int port) {
        return newNode(Role.REPLICA, port).start();
    }

    private RedisNode newNode(Role role, RedisNode following) {
        return newNode(role, following == null ? null : following.port());
    }

    /** Creates (does not start) a node of the role, following 127.0.0.1:{@code masterPort} for a replica. */
    private RedisNode newNode(Role role, Integer masterPort) {
        int port = freePort();
        Path home = root.resolve(role.label() + "-" + port);
        try {
            Path config = Files.createDirectories(home.resolve("config"));
            Path runtime = Files.createDirectories(home.resolve("run"));
            Path data = Files.createDirectories(home.resolve("data"));
            Files.writeString(config.resolve(role.label() + ".conf"), substitute(
                    RenderedConfig.of(spec).redisConf(role), port, data), StandardCharsets.UTF_8);
            Path script = config.resolve(RedisManifests.START_SCRIPT_KEY);
            Files.writeString(script, RenderedConfig.of(spec).file(RedisManifests.START_SCRIPT_KEY), StandardCharsets.UTF_8);
            Files.writeString(config.resolve(RedisManifests.PASSWORD_SCRIPT_KEY), RenderedConfig.of(spec).file(RedisManifests.PASSWORD_SCRIPT_KEY),
                    StandardCharsets.UTF_8);
            ProcessBuilder launcher = new ProcessBuilder("sh", script.toString()).directory(home.toFile());
            Map<String, String> env = launcher.environment();
            env.put("PATH", binDir + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
            env.put("REDIS_ROLE", role.label());
            env.put("REDIS_CONFIG_DIR", config.toString());
            env.put("REDIS_RUNTIME_DIR", runtime.toString());
            env.put("REDIS_ANNOUNCE_HOST", "127.0.0.1");
            if (masterPort != null) {
                env.put("REDIS_MASTER_HOST", "127.0.0.1");
                env.put("REDIS_MASTER_PORT", String.valueOf(masterPort));
            }
            SecretVolume secret = null;
            if (storedPassword != null) {
                secret = SecretVolume.create(home.resolve("secret"), null).write(RedisNode.PASSWORD_FILE, storedPassword);
                env.put("REDIS_PASSWORD_FILE", secret.file(RedisNode.PASSWORD_FILE).toString());
            }
            metricsSecret(spec, home, env);
            RedisNode node = new RedisNode(role.label(), port, clientPassword(), home, launcher, secret);
            nodes.add(node);
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + role + " under " + home, e);
        }
    }

    /**
     * With metrics and auth on, the pod's volume of the exporter's own Secret and the variables naming it and the
     * exporter's user, as the rendered main container has them; nothing otherwise.
     */
    static void metricsSecret(RedisReplicationSpec spec, Path home, Map<String, String> env) {
        if (spec.exporterPassword() != null) {
            SecretVolume volume = SecretVolume.create(home.resolve("metrics-secret"), null)
                    .write(METRICS_SECRET_KEY, spec.exporterPassword());
            env.put("REDIS_METRICS_USER", MetricsExporter.USER);
            env.put("REDIS_METRICS_PASSWORD_FILE", volume.file(METRICS_SECRET_KEY).toString());
        }
    }

    private static final String METRICS_SECRET_KEY = "password";

    /**
     * Runs the rendered probe script against a node, as the kubelet would.
     *
     * @param node the node
     * @param kind {@code readiness} or {@code liveness}
     * @return the probe's exit code and output
     */
    public ProbeResult probe(RedisNode node, String kind) {
        try {
            Path script = node.home().resolve("config").resolve(RedisManifests.PROBE_SCRIPT_KEY);
            Files.writeString(script, RenderedConfig.of(spec).file(RedisManifests.PROBE_SCRIPT_KEY), StandardCharsets.UTF_8);
            Files.writeString(script.resolveSibling(RedisManifests.PASSWORD_SCRIPT_KEY),
                    RenderedConfig.of(spec).file(RedisManifests.PASSWORD_SCRIPT_KEY), StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), kind).redirectErrorStream(true);
            Map<String, String> env = builder.environment();
            env.put("PATH", binDir + java.io.File.pathSeparator + env.getOrDefault("PATH", ""));
            env.put("REDIS_ROLE", node.role());
            env.put("REDIS_PORT", String.valueOf(node.port()));
            if (node.passwordFile() != null) {
                env.put("REDIS_PASSWORD_FILE", node.passwordFile().toString());
            }
            Process process = builder.start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new ProbeResult(process.waitFor(), output.strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param exitCode the probe's exit code (0 = success)
     * @param output   what it printed
     */
    public record ProbeResult(int exitCode, String output) {
    }

    @Override
    public void close() {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            nodes.get(i).stop();
        }
    }

    /** Only what cannot hold outside a pod changes: the port, the bind address and the data directory. */
    static String substitute(String conf, int port, Path data) {
        String result = conf.replace("\nport 6379\n", "\nport " + port + "\n")
                .replace("\nbind * -::*\n", "\nbind 127.0.0.1\n")
                .replace("\ndir /data\n", "\ndir " + data + "\n");
        if (!result.contains("\nport " + port + "\n") || !result.contains("\ndir " + data + "\n")
                || !result.contains("\nbind 127.0.0.1\n")) {
            throw new IllegalStateException("rendered redis.conf no longer has the port/bind/dir lines this test "
                    + "substitutes:\n" + conf);
        }
        return result;
    }

    /**
     * @return a loopback port that is free now and was not handed out before in this JVM: the port is only
     *         bound later, by the process it is for, so the kernel may offer the same one twice in a row (seen:
     *         a replica and a Sentinel of one topology given the same port)
     */
    static synchronized int freePort() {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(true);
                if (HANDED_OUT.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = new java.util.HashSet<>();
}
