package io.github.rediskube.containers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Removal of what a {@link PodmanCluster} run created: every pod, volume, secret and network named with the
 * run's prefix {@code rkc-<pid>-<n>-}; at the start of a run, what runs of JVMs that no longer exist left.
 */
final class PodmanSweep {

    private static final String PREFIX_PATTERN = "^rkc-(\\d+)-\\d+-.*";

    private PodmanSweep() {
    }

    /** Removes every pod, volume, secret and network whose name starts with the prefix (one call per kind). */
    static void removeRun(String prefix) {
        removeAll(List.of("pod", "rm", "-f", "-t", "0"), names("pod", "ls", prefix));
        removeAll(List.of("volume", "rm", "-f"), names("volume", "ls", prefix));
        removeAll(List.of("secret", "rm"), names("secret", "ls", prefix));
        removeAll(List.of("network", "rm", "-f"), names("network", "ls", prefix));
    }

    private static void removeAll(List<String> command, List<String> names) {
        if (!names.isEmpty()) {
            List<String> args = new ArrayList<>(command);
            args.addAll(names);
            Podman.run(Duration.ofSeconds(120), null, args);
        }
    }

    private static List<String> names(String kind, String verb, String prefix) {
        Podman.Result listed = Podman.run(kind, verb, "--format", "{{.Name}}");
        return listed.stdout().lines().map(String::strip).filter(n -> n.startsWith(prefix)).toList();
    }

    /** Removes what runs of JVMs that no longer exist left (a killed build), never another live run's. */
    static void sweepLeftovers() {
        java.util.Set<String> dead = new java.util.TreeSet<>();
        for (String kind : List.of("pod", "volume", "secret", "network")) {
            for (String name : names(kind, "ls", "rkc-")) {
                if (name.matches(PREFIX_PATTERN)) {
                    long pid = Long.parseLong(name.replaceFirst(PREFIX_PATTERN, "$1"));
                    if (ProcessHandle.of(pid).isEmpty()) {
                        dead.add("rkc-" + pid + "-");
                    }
                }
            }
        }
        dead.forEach(PodmanSweep::removeRun);
    }
}
