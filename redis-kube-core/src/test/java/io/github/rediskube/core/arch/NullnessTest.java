package io.github.rediskube.core.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.github.rediskube.core.RedisKubeException;
import io.github.rediskube.core.deploy.DeployOptions;
import io.github.rediskube.core.deploy.DeploymentStatus;
import io.github.rediskube.core.deploy.RedisDeployment;
import io.github.rediskube.core.render.RedisManifests;
import io.github.rediskube.core.spec.Auth;
import io.github.rediskube.core.spec.Exposure;
import io.github.rediskube.core.spec.Image;
import io.github.rediskube.core.spec.Metrics;
import io.github.rediskube.core.spec.NetworkAccess;
import io.github.rediskube.core.spec.NodeResources;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import io.github.rediskube.core.spec.ResourceNames;
import io.github.rediskube.core.spec.Scheduling;
import io.github.rediskube.core.spec.SentinelSpec;
import io.github.rediskube.core.spec.Storage;
import io.github.rediskube.core.spec.TenantSpec;
import io.github.rediskube.core.spec.Toleration;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.jspecify.annotations.NullMarked;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Nullness is stated (JSpecify): every package is null-marked, and exactly what may be null is {@code @Nullable}. */
class NullnessTest {

    @Test
    void everyPackageOfCoreIsNullMarked() {
        Set<String> unmarked = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.github.rediskube.core").stream()
                .map(JavaClass::reflect)
                .map(Class::getPackage)
                .filter(p -> !p.isAnnotationPresent(NullMarked.class))
                .map(Package::getName)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(unmarked).as("packages without @NullMarked in their package-info.java").isEmpty();
    }

    @Test
    void exactlyTheOptionalRecordComponentsAreNullable() {
        Map<Class<? extends Record>, Set<String>> nullable = Map.ofEntries(
                Map.entry(Auth.class, Set.of("secretName", "secretKey", "password")),
                Map.entry(Exposure.class, Set.of("masterNodePort", "replicaNodePort")),
                Map.entry(Toleration.class, Set.of("key", "value", "effect")),
                Map.entry(Storage.class, Set.of("storageClass")),
                Map.entry(NodeResources.class, Set.of("cpuRequest", "cpuLimit", "memoryRequest")),
                Map.entry(TenantSpec.class, Set.of("memory", "cpu", "pods", "storage", "maxPodMemory")),
                Map.entry(DeploymentStatus.class, Set.of("masterNodePort", "replicaNodePort", "secretName",
                        "secretKey")),
                Map.entry(DeploymentStatus.PodState.class, Set.of("reason")),
                Map.entry(Image.class, Set.of()),
                Map.entry(NetworkAccess.class, Set.of()),
                Map.entry(Scheduling.class, Set.of()),
                Map.entry(SentinelSpec.class, Set.of()),
                Map.entry(DeployOptions.class, Set.of()),
                Map.entry(ResourceNames.class, Set.of()));
        nullable.forEach((type, expected) -> assertThat(Arrays.stream(type.getRecordComponents())
                .filter(c -> c.getAnnotatedType().isAnnotationPresent(Nullable.class))
                .map(RecordComponent::getName)
                .collect(Collectors.toSet()))
                .as("@Nullable components of %s", type.getSimpleName())
                .isEqualTo(expected));
    }

    @Test
    void exactlyTheOptionalSettingsOfTheSpecAreNullable() {
        Set<String> nullable = Arrays.stream(RedisReplicationSpec.class.getMethods())
                .filter(m -> m.getDeclaringClass() == RedisReplicationSpec.class && m.getParameterCount() == 0
                        && !Modifier.isStatic(m.getModifiers()) && !m.getReturnType().isPrimitive())
                .filter(m -> m.getAnnotatedReturnType().isAnnotationPresent(Nullable.class))
                .map(Method::getName)
                .collect(Collectors.toSet());

        assertThat(nullable).as("accessors of RedisReplicationSpec that return @Nullable")
                .isEqualTo(Set.of("maxmemory", "storage", "sentinel", "metrics", "exporterPassword", "placement"));
    }

    @Test
    void methodsThatMayReturnNullSayNullable() throws NoSuchMethodException {
        List<Method> nullableResults = List.of(
                RedisDeployment.class.getMethod("password"),
                RedisDeployment.class.getMethod("spec"),
                RedisKubeException.class.getMethod("kind"),
                RedisKubeException.class.getMethod("name"),
                RedisKubeException.class.getMethod("apiMessage"),
                RedisManifests.class.getMethod("secretName", RedisReplicationSpec.class),
                RedisManifests.class.getMethod("secretKey", RedisReplicationSpec.class),
                Auth.class.getMethod("secretPassword", String.class));
        assertThat(nullableResults).allSatisfy(m -> assertThat(m.getAnnotatedReturnType()
                .isAnnotationPresent(Nullable.class)).as("%s returns @Nullable", m).isTrue());
        assertThat(RedisKubeException.class.getMethod("namespace").getAnnotatedReturnType()
                .isAnnotationPresent(Nullable.class)).as("RedisKubeException.namespace() is never null").isFalse();
    }

    @Test
    void builderSettersWhoseNullMeansNotSetTakeNullable() throws NoSuchMethodException {
        List<Method> setters = List.of(
                RedisReplicationSpec.Builder.class.getMethod("maxmemory", String.class),
                RedisReplicationSpec.Builder.class.getMethod("evictionPolicy", String.class),
                RedisReplicationSpec.Builder.class.getMethod("networkAccess", NetworkAccess.class),
                RedisReplicationSpec.Builder.class.getMethod("sentinel", SentinelSpec.class),
                RedisReplicationSpec.Builder.class.getMethod("metrics", Metrics.class),
                Storage.Builder.class.getMethod("storageClass", String.class),
                NodeResources.Builder.class.getMethod("cpuRequest", String.class),
                NodeResources.Builder.class.getMethod("cpuLimit", String.class),
                NodeResources.Builder.class.getMethod("memoryRequest", String.class),
                TenantSpec.Builder.class.getMethod("memory", String.class),
                TenantSpec.Builder.class.getMethod("maxPodMemory", String.class));
        assertThat(setters).allSatisfy(m -> assertThat(m.getAnnotatedParameterTypes()[0]
                .isAnnotationPresent(Nullable.class)).as("%s takes @Nullable", m).isTrue());
        assertThat(RedisReplicationSpec.Builder.class.getMethod("namespace", String.class)
                .getAnnotatedParameterTypes()[0].isAnnotationPresent(Nullable.class))
                .as("namespace(..) requires a value").isFalse();
    }
}
