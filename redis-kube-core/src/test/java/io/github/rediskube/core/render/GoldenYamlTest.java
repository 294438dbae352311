package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every mode's YAML, byte for byte: the classic scenario (CACHE), STORAGE, and Sentinel (CACHE and STORAGE), so a change
 * to any mode's rendering shows in a diff. A deliberate rendering change is recorded with
 * {@code ./mvnw test -pl redis-kube-core -Dtest=GoldenYamlTest -Drediskube.updateGolden=true} and reviewed in the diff.
 */
class GoldenYamlTest {

    private static final Path GOLDEN_DIR = Path.of("src/test/resources/golden");

    @Test
    void classicScenarioRendersTheGoldenYaml() throws IOException {
        assertGolden("classic-walkthrough.yaml", RedisManifestsTest.classic());
    }

    @Test
    void storageModeRendersTheGoldenYaml() throws IOException {
        assertGolden("storage.yaml", RedisManifestsTest.classic().toBuilder().storage("10Gi").build());
    }

    @Test
    void sentinelModeRendersTheGoldenYaml() throws IOException {
        assertGolden("sentinel.yaml", RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3)).build());
    }

    @Test
    void sentinelModeWithMetricsRendersTheGoldenYaml() throws IOException {
        // toBuilder keeps the generated password, not the generator: the exporter's password needs a fixed one
        assertGolden("sentinel-metrics.yaml", RedisManifestsTest.classic().toBuilder().sentinel(s -> s.sentinels(3))
                .passwordGenerator(PasswordGenerator.fixed("exporter-Password-0123456789"))
                .metrics(m -> m.serviceMonitor(true)).build());
    }

    @Test
    void sentinelModeWithPlacementRendersTheGoldenYaml() throws IOException {
        assertGolden("sentinel-placement.yaml", PlacementManifestsTest.placed());
    }

    @Test
    void sentinelStorageModeRendersTheGoldenYaml() throws IOException {
        assertGolden("sentinel-storage.yaml",
                RedisManifestsTest.classic().toBuilder().storage("10Gi").sentinel(s -> s.sentinels(3)).build());
    }

    private static void assertGolden(String file, RedisReplicationSpec spec) throws IOException {
        Path golden = GOLDEN_DIR.resolve(file);
        String yaml = RedisKube.toYaml(spec);
        if (Boolean.getBoolean("rediskube.updateGolden")) {
            Files.writeString(golden, yaml, StandardCharsets.UTF_8);
        }

        assertThat(yaml).as("%s (regenerate with -Drediskube.updateGolden=true when the change is deliberate)", golden)
                .isEqualTo(Files.readString(golden, StandardCharsets.UTF_8));
    }

    @Test
    void writesOneFilePerObjectInApplyOrderWithTheSameDocuments(@TempDir Path dir) throws IOException {
        RedisReplicationSpec spec = RedisManifestsTest.classic();

        List<Path> files = RedisKube.writeYaml(spec, dir.resolve("manifests"));

        assertThat(files).extracting(f -> f.getFileName().toString()).containsExactly(
                "01-orders-auth-secret.yaml", "02-orders-config-configmap.yaml", "03-orders-headless-service.yaml",
                "04-orders-master-service.yaml", "05-orders-replica-service.yaml", "06-orders-networkpolicy.yaml",
                "07-orders-replica-poddisruptionbudget.yaml", "08-orders-master-statefulset.yaml",
                "09-orders-replica-statefulset.yaml");
        StringBuilder joined = new StringBuilder();
        for (Path file : files) {
            joined.append(Files.readString(file, StandardCharsets.UTF_8));
        }
        assertThat(joined.toString()).isEqualTo(RedisKube.toYaml(spec));
    }

    @Test
    void theSecretsFileIsReadableByItsOwnerOnlyAlsoWhenAnOlderExportWasWorldReadable(@TempDir Path dir) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(dir.getFileSystem().supportedFileAttributeViews()
                .contains("posix"), "POSIX permissions");
        Path manifests = dir.resolve("manifests");
        Files.createDirectories(manifests);
        Path stale = Files.writeString(manifests.resolve("01-orders-auth-secret.yaml"), "an older export");
        Files.setPosixFilePermissions(stale, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        List<Path> files = RedisKube.writeYaml(RedisManifestsTest.classic(), manifests);

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(files.get(0))))
                .as(files.get(0).getFileName() + " holds the password").isEqualTo("rw-------");
        assertThat(Files.readString(files.get(0))).contains("kind: \"Secret\"");
    }
}
