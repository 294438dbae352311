package io.github.rediskube.junit;

import static org.assertj.core.api.Assertions.assertThat;

import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.Test;

/** Nullness is stated (JSpecify): the extension's package is null-marked, so its API is non-null throughout. */
class NullnessTest {

    @Test
    void theExtensionPackageIsNullMarked() {
        assertThat(RedisKubeExtension.class.getPackage().isAnnotationPresent(NullMarked.class))
                .as("@NullMarked in io/github/rediskube/junit/package-info.java").isTrue();
    }
}
