package io.github.rediskube.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Each example's main, in its dry-run path (no cluster here). */
@ExtendWith(NoClusterHere.class)
class ExamplesDryRunTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private String run(BiFunction<PrintStream, PrintStream, Example> example, String... args) {
        int code = example.apply(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(List.of(args));
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tenantCachesRenderTwoIsolatedTenants() {
        String yaml = run(TenantCaches::new);

        assertThat(yaml).contains("name: \"tenant-a\"", "name: \"tenant-b\"", "kind: \"ResourceQuota\"",
                "requests.memory: \"2Gi\"", "kind: \"LimitRange\"", "name: \"redis-kube-tenant\"",
                "namespace: \"tenant-a\"", "namespace: \"tenant-b\"", "# Dry run");
    }

    @Test
    void storageGrowthRendersClaimsWithTheStorageClass() {
        String yaml = run(StorageGrowth::new, "--storage-class", "fast-ssd");

        assertThat(yaml).contains("volumeClaimTemplates", "storageClassName: \"fast-ssd\"", "storage: \"1Gi\"",
                "appendonly yes", "whenDeleted: \"Retain\"");
    }

    @Test
    void sentinelFailoverRendersThreeSentinels() {
        String yaml = run(SentinelFailover::new);

        assertThat(yaml).contains("name: \"orders-sentinel\"", "kind: \"StatefulSet\"", "26379",
                "namespace: \"ha-demo\"");
    }

    @Test
    void gitOpsWritesFilesWithoutAnySecret(@TempDir Path dir) throws IOException {
        String output = run(GitOpsManifests::new, "--out", dir.toString());

        assertThat(output).contains("kubectl apply -f " + dir);
        try (var files = Files.list(dir)) {
            List<String> names = files.map(f -> f.getFileName().toString()).sorted().toList();
            assertThat(names).hasSize(8).noneMatch(n -> n.contains("secret"));
        }
    }
}
