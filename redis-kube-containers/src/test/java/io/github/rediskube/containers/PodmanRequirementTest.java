package io.github.rediskube.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/** Without podman the container tier skips with a message; where CI=true requires it, it fails. */
class PodmanRequirementTest {

    @Test
    void withoutPodmanTheTierIsSkippedNamingWhatIsMissingAndHowToInstallIt(@TempDir Path empty) {
        String missing = Podman.missing(empty.toString(), "root");
        assertThat(missing).isEqualTo("not on PATH: podman, runc, debootstrap, ip");
        assertThatThrownBy(() -> Podman.require(missing, false)).isInstanceOf(TestAbortedException.class)
                .hasMessageContaining("apt-get install -y podman runc debootstrap iproute2");
    }

    @Test
    void whereTheRunRequiresTheTierAMissingPodmanFailsIt(@TempDir Path empty) {
        assertThatThrownBy(() -> Podman.require(Podman.missing(empty.toString(), "root"), true))
                .isInstanceOf(AssertionError.class).hasMessageContaining("not on PATH: podman")
                .hasMessageContaining("requires the tier (CI=true");
    }

    @Test
    void withTheBinariesButNotRootTheTierSaysItNeedsRoot(@TempDir Path bin) throws IOException {
        for (String binary : new String[] {"podman", "runc", "debootstrap", "ip"}) {
            Files.createFile(bin.resolve(binary), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        }
        assertThat(Podman.missing("/nonexistent" + File.pathSeparator + bin, "alice"))
                .isEqualTo("needs root (rootful podman, debootstrap), runs as alice");
        assertThat(Podman.missing(bin.toString(), "root")).isNull();
    }
}
