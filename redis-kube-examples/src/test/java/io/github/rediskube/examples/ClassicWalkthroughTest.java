package io.github.rediskube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The README's main job in its dry-run path (no cluster: no kubeconfig, no K3s). */
@ExtendWith(NoClusterHere.class)
class ClassicWalkthroughTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new ClassicWalkthrough(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
    }

    private String output() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutAClusterPrintsTheClassicManifestsAndHowToPointItAtACluster() {
        assertThat(run()).isZero();

        assertThat(output()).contains("kind: \"StatefulSet\"", "name: \"redis-master\"", "name: \"redis-replica\"",
                "memory: \"4096M\"", "nodePort: 32379", "nodePort: 32380", "replicas: 2",
                "value: \"redis-master-0.redis-headless.redis-kube-demo.svc.cluster.local\"",
                "# Dry run: no Kubernetes cluster", "kubeconfig");
    }

    @Test
    void flagsShapeTheDeployment() {
        assertThat(run("--namespace", "shop", "--replicas", "3", "--node-ports", "none", "--mode", "storage",
                "--dry-run")).isZero();

        assertThat(output()).contains("namespace: \"shop\"", "replicas: 3", "appendonly yes", "storage: \"1Gi\"")
                .doesNotContain("nodePort:");
    }

    @Test
    void writesOneFilePerObjectWithOut(@TempDir Path dir) throws IOException {
        assertThat(run("--out", dir.toString())).isZero();

        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString()).sorted().toList())
                    .contains("08-redis-master-statefulset.yaml", "09-redis-replica-statefulset.yaml").hasSize(9);
        }
    }

    @Test
    void helpListsTheFlags() {
        assertThat(run("--help")).isZero();

        assertThat(output()).contains("--namespace", "--replicas", "--node-ports", "--mode", "--keep", "--out");
    }

    @Test
    void badInputIsAUsageErrorThatSaysWhy() {
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(run("--replicas", "many")).isEqualTo(2);
        assertThat(run("--replicas", "-1", "--dry-run")).isEqualTo(2);
        assertThat(run("--out")).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown option --bogus",
                "--replicas needs a number, was \"many\"", "replicas must be between 0 and 32, was -1",
                "--out needs a value");
    }

    @Test
    void aBadFlagValueIsAOneLineUsageErrorNamingTheFlagTheValueAndWhatIsAccepted() {
        assertThat(run("--mode", "foo")).isEqualTo(2);
        assertThat(run("--node-ports", "a,b")).isEqualTo(2);
        assertThat(run("--node-ports", "32379")).isEqualTo(2);

        String errors = err.toString(StandardCharsets.UTF_8);
        assertThat(errors.lines()).containsExactly(
                "--mode needs cache or storage, was \"foo\"; try --help",
                "--node-ports needs MASTER,REPLICA (two NodePorts, e.g. 32379,32380) or none, was \"a,b\"; try --help",
                "--node-ports needs MASTER,REPLICA (two NodePorts, e.g. 32379,32380) or none, was \"32379\"; try --help");
        assertThat(output()).isEmpty();
    }

    @Test
    void aSpecTheFlagsMakeInvalidIsAUsageErrorBeforeAnythingRuns() {
        assertThat(run("--node-ports", "80,81")).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("80").doesNotContain("failed:");
        assertThat(output()).as("no dry run, no cluster looked for").isEmpty();
    }
}
