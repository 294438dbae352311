package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a killed run left (its JVM gone) is removed at the next run's start; a live run's objects are not. */
class PodmanSweepContainerTest {

    @Test
    void leftoversOfADeadRunAreSweptAtTheStartAndALiveRunsAreKept() {
        Podman.require();
        long deadPid = ProcessHandle.current().pid() + 4_000_000L;
        String dead = "rkc-" + deadPid + "-1-leftover";
        String live = "rkc-" + ProcessHandle.current().pid() + "-999-kept";
        Podman.run("volume", "create", dead).orThrow();
        Podman.run("volume", "create", live).orThrow();
        try (PodmanCluster cluster = PodmanCluster.create()) {
            String volumes = Podman.run("volume", "ls", "--format", "{{.Name}}").orThrow().stdout();
            assertThat(volumes.lines()).as("volumes after a run's start").doesNotContain(dead).contains(live);
            assertThat(cluster.gateway()).matches("10\\.231\\.\\d+\\.1");
        } finally {
            Podman.run("volume", "rm", "-f", dead, live);
        }
    }
}
