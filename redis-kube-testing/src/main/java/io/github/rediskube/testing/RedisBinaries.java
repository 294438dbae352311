package io.github.rediskube.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the {@code redis-server} (and {@code redis-sentinel}) binaries for data-plane tests: the
 * directory in {@code REDIS_BIN_DIR} (environment) or {@code rediskube.redisBinDir} (system property),
 * else {@code PATH}. Without them the tests are skipped on a developer machine, and fail where
 * {@code rediskube.requireRedis=true} or {@code CI=true} says Redis must be there.
 */
public final class RedisBinaries {

    private RedisBinaries() {
    }

    /** @return the directory holding redis-server, redis-cli (and redis-sentinel), or fails/skips the test */
    public static Path requireDirectory() {
        Optional<Path> dir = find("redis-server");
        String help = "redis-server not found in REDIS_BIN_DIR, -Drediskube.redisBinDir or PATH. Install it "
                + "(Debian/Ubuntu: apt-get install -y redis-server redis-sentinel; macOS: brew install redis) "
                + "or point REDIS_BIN_DIR at a directory holding redis-server, redis-cli and redis-sentinel.";
        if (dir.isEmpty()) {
            if (required()) {
                throw new AssertionError(help + " This run requires it (rediskube.requireRedis=true or CI=true).");
            }
            Assumptions.abort("data-plane test skipped: " + help);
        }
        return dir.get();
    }

    /**
     * @return the directory holding redis-server, redis-cli and redis-sentinel, or fails (where Redis is
     *         required) or skips the test when redis-sentinel is missing
     */
    public static Path requireSentinelDirectory() {
        Path dir = requireDirectory();
        if (!java.nio.file.Files.isExecutable(dir.resolve("redis-sentinel"))) {
            String help = "redis-sentinel not found next to redis-server in " + dir + ". Install it (Debian/Ubuntu: "
                    + "apt-get install -y redis-sentinel; macOS: brew install redis ships it) or point REDIS_BIN_DIR"
                    + " at a directory holding redis-server, redis-cli and redis-sentinel.";
            if (required()) {
                throw new AssertionError(help + " This run requires it (rediskube.requireRedis=true or CI=true).");
            }
            Assumptions.abort("failover test skipped: " + help);
        }
        return dir;
    }

    /** @return whether a missing Redis fails the run instead of skipping it */
    public static boolean required() {
        return Boolean.parseBoolean(System.getProperty("rediskube.requireRedis", "false"))
                || "true".equalsIgnoreCase(System.getenv("CI"));
    }

    static Optional<Path> find(String binary) {
        String configured = System.getProperty("rediskube.redisBinDir", System.getenv("REDIS_BIN_DIR"));
        if (configured != null && !configured.isBlank()) {
            Path dir = Path.of(configured);
            return Files.isExecutable(dir.resolve(binary)) ? Optional.of(dir) : Optional.empty();
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, binary))) {
                return Optional.of(Path.of(entry));
            }
        }
        return Optional.empty();
    }
}
