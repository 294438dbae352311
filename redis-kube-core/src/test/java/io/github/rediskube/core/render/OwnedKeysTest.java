package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.LabelKeys;
import io.github.rediskube.core.spec.NetworkAccess;
import io.github.rediskube.core.spec.PasswordGenerator;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The label and annotation keys the renderer sets itself are refused as user labels and annotations, whatever
 * they are named: a renamed key stays covered (the Sentinel role label is what the master Service selects on).
 */
class OwnedKeysTest {

    private static RedisReplicationSpec.Builder spec() {
        return RedisKube.replication("orders").passwordGenerator(PasswordGenerator.fixed("0123456789abcdefABCDEF"));
    }

    @Test
    void everyLabelKeyTheRendererSetsIsRefusedAsAUserLabel() {
        for (String key : List.of(Labels.ROLE_LABEL, NetworkAccess.CLIENT_LABEL, Labels.NAME, Labels.INSTANCE,
                Labels.COMPONENT, Labels.MANAGED_BY)) {
            Throwable error = catchThrowable(() -> spec().label(key, "x").build());

            assertThat(error).as(key).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("label key is set by redis-kube").hasMessageContaining("was \"" + key + "\"");
            assertThat(catchThrowable(() -> spec().placement(p -> p.podLabel(key, "x")).build())).as("pod " + key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("placement.podLabel key is set by redis-kube");
        }
    }

    @Test
    void everyAnnotationKeyTheRendererSetsIsRefusedAsAUserAnnotation() {
        Throwable error = catchThrowable(() -> spec().annotation(PodDraft.CONFIG_HASH_ANNOTATION, "x").build());

        assertThat(error).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("annotation key is set by redis-kube")
                .hasMessageContaining("was \"" + PodDraft.CONFIG_HASH_ANNOTATION + "\"");
        for (String key : List.of(PodDraft.CONFIG_HASH_ANNOTATION, RedisManifests.PASSWORD_HASH_ANNOTATION)) {
            assertThat(catchThrowable(() -> spec().placement(p -> p.podAnnotation(key, "x")).build())).as(key)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("placement.podAnnotation key is set by redis-kube");
        }
    }

    @Test
    void theLibrarysOwnKeysSitUnderTheDomainOfItsGroupId() {
        assertThat(LabelKeys.PREFIX).isEqualTo("rediskube.github.io/");   // io.github.rediskube
        assertThat(List.of(Labels.ROLE_LABEL, NetworkAccess.CLIENT_LABEL, PodDraft.CONFIG_HASH_ANNOTATION,
                RedisManifests.PASSWORD_HASH_ANNOTATION)).allSatisfy(key -> assertThat(key).startsWith(LabelKeys.PREFIX));
    }

    @Test
    void theRoleLabelerPatchesTheLabelTheServicesSelectOn() {
        assertThat(RedisManifests.haScript()).contains("--overwrite \"" + Labels.ROLE_LABEL + "=$role\"");
    }
}
