package io.github.rediskube.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * The podman CLI, run with a containers.conf of this tier's own (passed as {@code CONTAINERS_CONF} to every
 * call, so nothing on the machine is changed). What it sets, each found on a Firecracker VM with cgroup v1
 * and no systemd: {@code runtime = "runc"} (crun: "cgroups in hybrid mode not supported"), empty
 * {@code default_ulimits} (setrlimit RLIMIT_NOFILE/NPROC: Operation not permitted), {@code base_hosts_file =
 * "none"} (else the host's /etc/hosts is copied into every pod), cgroupfs and a file events logger (no
 * systemd/journald).
 */
final class Podman {

    static final String CONTAINERS_CONF = """
            # Written by redis-kube's container tier (redis-kube-containers), used through CONTAINERS_CONF.
            [containers]
            base_hosts_file = "none"
            default_ulimits = []

            [engine]
            runtime = "runc"
            cgroup_manager = "cgroupfs"
            events_logger = "file"
            """;

    private static Path conf;

    private Podman() {
    }

    /** @return whether this run must have podman (CI=true or -Drediskube.requirePodman=true) */
    static boolean required() {
        return "true".equalsIgnoreCase(System.getenv("CI"))
                || Boolean.parseBoolean(System.getProperty("rediskube.requirePodman", "false"));
    }

    /** Skips the test without podman (root, podman, runc, debootstrap), fails it where CI=true says it must run. */
    static void require() {
        require(missing(System.getenv().getOrDefault("PATH", ""), System.getProperty("user.name")), required());
    }

    /** Skips (or, when {@code required}, fails) with a message naming what is missing and how to install it. */
    static void require(String missing, boolean required) {
        if (missing == null) {
            return;
        }
        String help = "container tier: " + missing + ". Install them (Debian: apt-get install -y podman runc "
                + "debootstrap iproute2) and run as root; .ci/run does this.";
        if (required) {
            throw new AssertionError(help + " This run requires the tier (CI=true or -Drediskube.requirePodman=true).");
        }
        Assumptions.abort(help);
    }

    /** @return what the tier lacks on this PATH and user, or null when nothing */
    static String missing(String path, String user) {
        List<String> absent = new ArrayList<>();
        for (String binary : List.of("podman", "runc", "debootstrap", "ip")) {
            if (!onPath(path, binary)) {
                absent.add(binary);
            }
        }
        if (!absent.isEmpty()) {
            return "not on PATH: " + String.join(", ", absent);
        }
        if (!"root".equals(user)) {
            return "needs root (rootful podman, debootstrap), runs as " + user;
        }
        return null;
    }

    private static boolean onPath(String path, String binary) {
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
                return true;
            }
        }
        return false;
    }

    /** @return the containers.conf this tier runs podman with (written once per JVM) */
    static synchronized Path conf() {
        if (conf == null) {
            try {
                Path file = Files.createTempFile("redis-kube-containers-", ".conf");
                Files.writeString(file, CONTAINERS_CONF, StandardCharsets.UTF_8);
                file.toFile().deleteOnExit();
                conf = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return conf;
    }

    /** The outcome of one command. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** @return this, or fails naming the command and what it printed */
        Result orThrow() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exitCode + ": "
                        + stderr.strip() + (stdout.isBlank() ? "" : " / " + stdout.strip()));
            }
            return this;
        }
    }

    /** Runs {@code podman args...}, bounded by {@code timeout}, feeding {@code stdin} (may be null). */
    static Result run(Duration timeout, String stdin, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        return exec(command, timeout, stdin);
    }

    static Result run(String... args) {
        return run(Duration.ofSeconds(120), null, List.of(args));
    }

    /** Runs any command with this tier's CONTAINERS_CONF, bounded by {@code timeout}; exit 124 on timeout. */
    static Result exec(List<String> command, Duration timeout, String stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("CONTAINERS_CONF", conf().toString());
        try {
            Process process = builder.start();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
            try (var in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
                return new Result(command, 124, out.join(), err.join() + " (timed out after " + timeout + ")");
            }
            return new Result(command, process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }

    private static String read(java.io.InputStream stream) {
        try {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
