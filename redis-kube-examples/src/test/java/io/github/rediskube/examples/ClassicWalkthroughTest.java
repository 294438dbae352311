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
import org.junit.jupiter.api.io.TempDir;

/** The README's main job, run the way the README runs it (minus Maven). */
class ClassicWalkthroughTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws IOException {
        return ClassicWalkthrough.run(List.of(args), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void printsTheClassicScenariosManifests() throws IOException {
        assertThat(run()).isZero();
        String yaml = out.toString(StandardCharsets.UTF_8);

        assertThat(yaml).contains("kind: \"StatefulSet\"", "name: \"redis-master\"", "name: \"redis-replica\"",
                "memory: \"4096M\"", "nodePort: 32379", "nodePort: 32380",
                "value: \"redis-master-0.redis-headless.default.svc.cluster.local\"");
        assertThat(yaml).contains("replicas: 2");
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
    void helpAndBadArguments() throws IOException {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--out DIR");
        assertThat(run("--bogus")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown arguments", "--help");
        assertThat(run("--out")).isEqualTo(2);
    }
}
