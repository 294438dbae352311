package io.github.rediskube.testing;

import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Mode;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How {@link SentinelTopology} lays out one pod on this machine: its config directory holding exactly the
 * rendered files (only ports, bind address and directories substituted), its runtime and data
 * directories, and the environment its containers get.
 */
final class SentinelPods {

    private final RedisReplicationSpec spec;
    private final Path root;
    private final Path binDir;
    private final List<Integer> sentinelPorts;
    private final List<Integer> redisPorts;
    private final Map<RedisNode, Map<String, String>> environments = new HashMap<>();

    SentinelPods(RedisReplicationSpec spec, Path root, Path binDir, List<Integer> sentinelPorts,
            List<Integer> redisPorts) {
        this.spec = spec;
        this.root = root;
        this.binDir = binDir;
        this.sentinelPorts = sentinelPorts;
        this.redisPorts = redisPorts;
    }

    /** @return the environment the node's containers get */
    Map<String, String> environment(RedisNode node) {
        return environments.get(node);
    }

    RedisNode redis(Role role, int port) {
        Path home = root.resolve("redis-" + port);
        try {
            Path config = Files.createDirectories(home.resolve("config"));
            Path runtime = Files.createDirectories(home.resolve("run"));
            Path data = Files.createDirectories(home.resolve("data"));
            for (Role each : Role.values()) {
                Files.writeString(config.resolve(each.label() + ".conf"),
                        RedisTopology.substitute(RenderedConfig.of(spec).redisConf(each), port, data));
            }
            Files.writeString(config.resolve(RedisManifests.START_SCRIPT_KEY), RenderedConfig.of(spec).file(RedisManifests.START_SCRIPT_KEY));
            Files.writeString(config.resolve(RedisManifests.PROBE_SCRIPT_KEY), RenderedConfig.of(spec).file(RedisManifests.PROBE_SCRIPT_KEY));
            Files.writeString(config.resolve(RedisManifests.PASSWORD_SCRIPT_KEY), RenderedConfig.of(spec).file(RedisManifests.PASSWORD_SCRIPT_KEY));
            Files.writeString(config.resolve(RedisManifests.PEERS_KEY), peers());
            Path script = config.resolve(RedisManifests.HA_SCRIPT_KEY);
            Files.writeString(script, RenderedConfig.of(spec).file(RedisManifests.HA_SCRIPT_KEY), StandardCharsets.UTF_8);
            ProcessBuilder launcher = new ProcessBuilder("sh", script.toString(), "start").directory(home.toFile());
            Map<String, String> env = environment(launcher, config, runtime);
            SecretVolume secret = secretVolume(home, env);
            env.put("REDIS_ROLE", role.label());
            env.put("REDIS_PORT", String.valueOf(port));
            env.put("REDIS_ANNOUNCE_HOST", "127.0.0.1");
            env.put("REDIS_MODE", spec.mode().name().toLowerCase(java.util.Locale.ROOT));
            env.put("REDIS_DATA_DIR", data.toString());
            RedisNode node = new RedisNode(role.label(), port, spec.auth().password(), home, launcher, secret);
            environments.put(node, Map.copyOf(env));
            return node;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare redis under " + home, e);
        }
    }

    RedisNode sentinel(int port) {
        Path home = root.resolve("sentinel-" + port);
        try {
            Path config = Files.createDirectories(home.resolve("config"));
            Path runtime = Files.createDirectories(home.resolve("run"));
            Files.writeString(config.resolve("sentinel.conf"), substituteSentinel(RenderedConfig.of(spec).file("sentinel.conf"), port));
            Files.writeString(config.resolve("sentinel-master.conf"), RenderedConfig.of(spec).file("sentinel-master.conf"));
            Files.writeString(config.resolve(RedisManifests.PASSWORD_SCRIPT_KEY), RenderedConfig.of(spec).file(RedisManifests.PASSWORD_SCRIPT_KEY));
            Files.writeString(config.resolve(RedisManifests.PEERS_KEY), peers());
            Path script = config.resolve(RedisManifests.HA_SCRIPT_KEY);
            Files.writeString(script, RenderedConfig.of(spec).file(RedisManifests.HA_SCRIPT_KEY), StandardCharsets.UTF_8);
            ProcessBuilder launcher = new ProcessBuilder("sh", script.toString(), "sentinel").directory(home.toFile());
            Map<String, String> env = environment(launcher, config, runtime);
            SecretVolume secret = secretVolume(home, env);
            env.put("SENTINEL_PORT", String.valueOf(port));
            env.put("SENTINEL_QUORUM", String.valueOf(spec.sentinel().quorum()));
            env.put("SENTINEL_ANNOUNCE_HOST", "127.0.0.1");
            if (spec.mode() == Mode.STORAGE) {
                env.put("SENTINEL_STATE_DIR", Files.createDirectories(home.resolve("data")).toString());
            }
            RedisNode node = new RedisNode("sentinel", port, spec.auth().password(), home, launcher, secret);
            environments.put(node, Map.copyOf(env));
            return node;
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
        env.put("REDIS_MASTER_SET", spec.name());
        env.put("REDIS_MASTER_HOST", "127.0.0.1");
        env.put("REDIS_MASTER_PORT", String.valueOf(redisPorts.get(0)));
        return env;
    }

    /** The pod's Secret volume holding the password, named by REDIS_PASSWORD_FILE; {@code null} without auth. */
    private SecretVolume secretVolume(Path home, Map<String, String> env) {
        if (spec.auth().password() == null) {
            return null;
        }
        SecretVolume secret = SecretVolume.create(home.resolve("secret"), null)
                .write(RedisNode.PASSWORD_FILE, spec.auth().password());
        env.put("REDIS_PASSWORD_FILE", secret.file(RedisNode.PASSWORD_FILE).toString());
        RedisTopology.metricsSecret(spec, home, env);
        return secret;
    }

    /** The rendered {@code redis-peers} lists pod DNS names; here every pod is 127.0.0.1 on its own port. */
    private String peers() {
        int rendered = RenderedConfig.of(spec).file(RedisManifests.PEERS_KEY).split("\n").length;
        if (rendered != redisPorts.size()) {
            throw new IllegalStateException("rendered redis-peers lists " + rendered + " pods, the set has "
                    + redisPorts.size());
        }
        return redisPorts.stream().map(p -> "127.0.0.1:" + p + "\n").collect(Collectors.joining());
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
}
