package io.github.rediskube.core.render;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import io.fabric8.kubernetes.api.model.AppArmorProfile;
import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.SELinuxOptions;
import io.fabric8.kubernetes.api.model.SeccompProfile;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Sysctl;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.github.rediskube.core.RedisKube;
import io.github.rediskube.core.spec.RedisReplicationSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every pod template we render meets the Pod Security Standards "restricted" profile (latest, v1.30+
 * rules, which include all of "baseline"), so the pods are admitted into namespaces labelled
 * {@code pod-security.kubernetes.io/enforce: restricted}. The checks live in {@link #restrictedViolations};
 * the negative tests show that they catch what they claim to catch.
 *
 * @see <a href="https://kubernetes.io/docs/concepts/security/pod-security-standards/">Pod Security Standards</a>
 */
class RestrictedProfileTest {

    private static final String SPECS = "io.github.rediskube.core.render.ManifestSchemaTest#specs";

    private static final Set<String> ALLOWED_VOLUME_TYPES = Set.of("configMap", "csi", "downwardAPI", "emptyDir",
            "ephemeral", "persistentVolumeClaim", "projected", "secret");
    private static final Set<String> ALLOWED_SECCOMP_TYPES = Set.of("RuntimeDefault", "Localhost");
    private static final Set<String> ALLOWED_SELINUX_TYPES = Set.of("", "container_t", "container_init_t",
            "container_kvm_t", "container_engine_t");
    private static final String APPARMOR_ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

    @ParameterizedTest
    @MethodSource(SPECS)
    void everyPodTemplateMeetsTheRestrictedPodSecurityStandard(RedisReplicationSpec spec) {
        List<PodTemplateSpec> templates = podTemplates(spec);

        assertThat(templates).hasSize(spec.sentinelEnabled() ? 3 : 2);
        assertThat(templates).allSatisfy(template -> assertThat(restrictedViolations(template))
                .as("restricted profile violations of pod template %s", template.getMetadata().getLabels())
                .isEmpty());
    }

    @ParameterizedTest
    @MethodSource(SPECS)
    void everyPodTemplateHasTheProjectsExtraHardening(RedisReplicationSpec spec) {
        assertThat(podTemplates(spec)).allSatisfy(template -> {
            PodSpec pod = template.getSpec();
            assertThat(pod.getAutomountServiceAccountToken()).as("automountServiceAccountToken").isFalse();
            assertThat(pod.getSecurityContext().getRunAsUser()).as("pod runAsUser").isEqualTo(999L);
            assertThat(containers(pod)).isNotEmpty().allSatisfy(container -> {
                assertThat(container.securityContext()).as("%s securityContext", container.path()).isNotNull();
                assertThat(container.securityContext().getReadOnlyRootFilesystem())
                        .as("%s readOnlyRootFilesystem", container.path()).isTrue();
                assertThat(container.securityContext().getRunAsUser())
                        .as("%s runAsUser", container.path()).isEqualTo(999L);
            });
        });
    }

    static Stream<Arguments> violations() {
        return Stream.of(
                violation("privilege escalation allowed", t -> redis(t).setAllowPrivilegeEscalation(true),
                        "allowPrivilegeEscalation"),
                violation("privileged container", t -> redis(t).setPrivileged(true), "privileged"),
                violation("hostPath volume", t -> t.getSpec().getVolumes().add(new VolumeBuilder()
                        .withName("host").withNewHostPath().withPath("/var/run").endHostPath().build()), "hostPath"),
                violation("capabilities drop removed", t -> redis(t).getCapabilities().setDrop(List.of()),
                        "drop ALL"),
                violation("capability SYS_ADMIN added", t -> redis(t).getCapabilities().setAdd(List.of("SYS_ADMIN")),
                        "SYS_ADMIN"),
                violation("host network", t -> t.getSpec().setHostNetwork(true), "hostNetwork"),
                violation("host PID", t -> t.getSpec().setHostPID(true), "hostPID"),
                violation("host IPC", t -> t.getSpec().setHostIPC(true), "hostIPC"),
                violation("host port", t -> t.getSpec().getContainers().get(0).getPorts().get(0).setHostPort(6379),
                        "hostPort"),
                violation("container runs as root", t -> redis(t).setRunAsUser(0L), "runAsUser"),
                violation("pod runs as root", t -> t.getSpec().getSecurityContext().setRunAsUser(0L), "runAsUser"),
                violation("runAsNonRoot false on the container", t -> redis(t).setRunAsNonRoot(false),
                        "runAsNonRoot"),
                violation("runAsNonRoot unset everywhere", t -> {
                    t.getSpec().getSecurityContext().setRunAsNonRoot(null);
                    redis(t).setRunAsNonRoot(null);
                }, "runAsNonRoot"),
                violation("seccomp Unconfined on the container", t -> redis(t).getSeccompProfile().setType("Unconfined"),
                        "Unconfined"),
                violation("seccomp unset everywhere", t -> {
                    t.getSpec().getSecurityContext().setSeccompProfile(null);
                    redis(t).setSeccompProfile(null);
                }, "seccompProfile"),
                violation("sysctl", t -> t.getSpec().getSecurityContext()
                        .setSysctls(List.of(new Sysctl("net.core.somaxconn", "1024"))), "sysctls"),
                violation("unmasked /proc", t -> redis(t).setProcMount("Unmasked"), "procMount"),
                violation("AppArmor unconfined by field", t -> redis(t).setAppArmorProfile(
                        new AppArmorProfile(null, "Unconfined")), "AppArmor"),
                violation("AppArmor unconfined by annotation", t -> t.getMetadata().getAnnotations()
                        .put(APPARMOR_ANNOTATION_PREFIX + "redis", "unconfined"), "AppArmor"),
                violation("init container without privilege escalation setting", t -> t.getSpec().getInitContainers()
                        .add(new ContainerBuilder().withName("init").withImage("busybox")
                                .withNewSecurityContext().withNewCapabilities().withDrop("ALL").endCapabilities()
                                .endSecurityContext().build()),
                        "initContainers[init].securityContext.allowPrivilegeEscalation"));
    }

    private static Arguments violation(String name, Consumer<PodTemplateSpec> mutation, String expected) {
        return argumentSet(name, mutation, expected);
    }

    @ParameterizedTest
    @MethodSource("violations")
    void restrictedCheckReportsEachViolation(Consumer<PodTemplateSpec> mutation, String expected) {
        PodTemplateSpec template = podTemplates(RedisKube.replication("orders").build()).get(0);
        mutation.accept(template);

        assertThat(restrictedViolations(template)).singleElement().asString().contains(expected);
    }

    @Test
    void addingOnlyNetBindServiceStaysWithinTheProfile() {
        PodTemplateSpec template = podTemplates(RedisKube.replication("orders").build()).get(0);
        redis(template).getCapabilities().setAdd(List.of("NET_BIND_SERVICE"));

        assertThat(restrictedViolations(template)).isEmpty();
    }

    /**
     * @param template a pod template
     * @return every rule of the restricted profile (baseline included) the template breaks, as
     *         {@code <field path>: <what is wrong>}; empty when the pods would be admitted
     */
    private static List<String> restrictedViolations(PodTemplateSpec template) {
        List<String> violations = new ArrayList<>();
        PodSpec pod = template.getSpec();
        PodSecurityContext podContext = Objects.requireNonNullElseGet(pod.getSecurityContext(),
                PodSecurityContext::new);

        forbidTrue(violations, "spec.hostNetwork", pod.getHostNetwork());
        forbidTrue(violations, "spec.hostPID", pod.getHostPID());
        forbidTrue(violations, "spec.hostIPC", pod.getHostIPC());
        if (podContext.getSysctls() != null && !podContext.getSysctls().isEmpty()) {
            violations.add("spec.securityContext.sysctls: must be empty, found " + podContext.getSysctls().stream()
                    .map(Sysctl::getName).toList());
        }
        if (Long.valueOf(0).equals(podContext.getRunAsUser())) {
            violations.add("spec.securityContext.runAsUser: must not be 0 (root)");
        }
        checkSeccompNotUnconfined(violations, "spec.securityContext", podContext.getSeccompProfile());
        checkAppArmor(violations, "spec.securityContext", podContext.getAppArmorProfile());
        checkSeLinux(violations, "spec.securityContext", podContext.getSeLinuxOptions());
        if (podContext.getWindowsOptions() != null) {
            forbidTrue(violations, "spec.securityContext.windowsOptions.hostProcess",
                    podContext.getWindowsOptions().getHostProcess());
        }
        Map<String, String> annotations = template.getMetadata() == null ? null
                : template.getMetadata().getAnnotations();
        if (annotations != null) {
            annotations.forEach((key, value) -> {
                if (key.startsWith(APPARMOR_ANNOTATION_PREFIX)
                        && !value.equals("runtime/default") && !value.startsWith("localhost/")) {
                    violations.add("metadata.annotations[" + key + "]: AppArmor must be runtime/default or "
                            + "localhost/*, found " + value);
                }
            });
        }
        for (Volume volume : Objects.requireNonNullElse(pod.getVolumes(), List.<Volume>of())) {
            volumeTypes(volume).stream().filter(type -> !ALLOWED_VOLUME_TYPES.contains(type)).forEach(type ->
                    violations.add("spec.volumes[" + volume.getName() + "]: volume type " + type + " is not allowed"));
        }

        boolean podRunsAsNonRoot = Boolean.TRUE.equals(podContext.getRunAsNonRoot());
        boolean podHasSeccomp = podContext.getSeccompProfile() != null
                && ALLOWED_SECCOMP_TYPES.contains(podContext.getSeccompProfile().getType());
        for (ContainerView container : containers(pod)) {
            String path = container.path() + ".securityContext";
            SecurityContext context = Objects.requireNonNullElseGet(container.securityContext(), SecurityContext::new);
            forbidTrue(violations, path + ".privileged", context.getPrivileged());
            if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
                violations.add(path + ".allowPrivilegeEscalation: must be false");
            }
            if (Boolean.FALSE.equals(context.getRunAsNonRoot())
                    || !podRunsAsNonRoot && !Boolean.TRUE.equals(context.getRunAsNonRoot())) {
                violations.add(path + ".runAsNonRoot: must be true here or on the pod, and not false");
            }
            if (Long.valueOf(0).equals(context.getRunAsUser())) {
                violations.add(path + ".runAsUser: must not be 0 (root)");
            }
            if (context.getSeccompProfile() == null) {
                if (!podHasSeccomp) {
                    violations.add(path + ".seccompProfile: must be RuntimeDefault or Localhost here or on the pod");
                }
            } else {
                checkSeccompNotUnconfined(violations, path, context.getSeccompProfile());
            }
            Capabilities capabilities = Objects.requireNonNullElseGet(context.getCapabilities(), Capabilities::new);
            if (capabilities.getDrop() == null || !capabilities.getDrop().contains("ALL")) {
                violations.add(path + ".capabilities: must drop ALL");
            }
            if (capabilities.getAdd() != null) {
                capabilities.getAdd().stream().filter(added -> !added.equals("NET_BIND_SERVICE")).forEach(added ->
                        violations.add(path + ".capabilities.add: only NET_BIND_SERVICE may be added, found "
                                + added));
            }
            if (context.getProcMount() != null && !context.getProcMount().equals("Default")) {
                violations.add(path + ".procMount: must be Default, found " + context.getProcMount());
            }
            checkAppArmor(violations, path, context.getAppArmorProfile());
            checkSeLinux(violations, path, context.getSeLinuxOptions());
            if (context.getWindowsOptions() != null) {
                forbidTrue(violations, path + ".windowsOptions.hostProcess",
                        context.getWindowsOptions().getHostProcess());
            }
            for (ContainerPort port : container.ports()) {
                if (port.getHostPort() != null && port.getHostPort() != 0) {
                    violations.add(container.path() + ".ports[" + port.getContainerPort() + "].hostPort: must be "
                            + "unset or 0, found " + port.getHostPort());
                }
            }
        }
        return violations;
    }

    private static void forbidTrue(List<String> violations, String path, Boolean value) {
        if (Boolean.TRUE.equals(value)) {
            violations.add(path + ": must be unset or false");
        }
    }

    private static void checkSeccompNotUnconfined(List<String> violations, String path, SeccompProfile profile) {
        if (profile != null && !ALLOWED_SECCOMP_TYPES.contains(profile.getType())) {
            violations.add(path + ".seccompProfile.type: must be RuntimeDefault or Localhost, found "
                    + profile.getType());
        }
    }

    private static void checkAppArmor(List<String> violations, String path,
            AppArmorProfile profile) {
        if (profile != null && !Set.of("RuntimeDefault", "Localhost").contains(profile.getType())) {
            violations.add(path + ".appArmorProfile.type: AppArmor must be RuntimeDefault or Localhost, found "
                    + profile.getType());
        }
    }

    private static void checkSeLinux(List<String> violations, String path,
            SELinuxOptions options) {
        if (options == null) {
            return;
        }
        if (options.getType() != null && !ALLOWED_SELINUX_TYPES.contains(options.getType())) {
            violations.add(path + ".seLinuxOptions.type: not an allowed SELinux type: " + options.getType());
        }
        if (options.getUser() != null && !options.getUser().isEmpty()
                || options.getRole() != null && !options.getRole().isEmpty()) {
            violations.add(path + ".seLinuxOptions: user and role must be unset");
        }
    }

    /** The volume's source fields as serialized ({@code emptyDir}, {@code hostPath}, ...), unknown ones included. */
    @SuppressWarnings("unchecked")
    private static Set<String> volumeTypes(Volume volume) {
        Map<String, Object> fields = Serialization.unmarshal(Serialization.asJson(volume), Map.class);
        fields.remove("name");
        return fields.keySet();
    }

    /** Containers, init containers and ephemeral containers alike, with a path naming each. */
    private static List<ContainerView> containers(PodSpec pod) {
        List<ContainerView> all = new ArrayList<>();
        addContainers(all, "spec.containers", pod.getContainers(), Container::getName,
                Container::getSecurityContext, Container::getPorts);
        addContainers(all, "spec.initContainers", pod.getInitContainers(), Container::getName,
                Container::getSecurityContext, Container::getPorts);
        addContainers(all, "spec.ephemeralContainers", pod.getEphemeralContainers(),
                EphemeralContainer::getName,
                EphemeralContainer::getSecurityContext,
                EphemeralContainer::getPorts);
        return all;
    }

    private static <C> void addContainers(List<ContainerView> all, String field, List<C> containers,
            Function<C, String> name, Function<C, SecurityContext> securityContext,
            Function<C, List<ContainerPort>> ports) {
        for (C container : Objects.requireNonNullElse(containers, List.<C>of())) {
            all.add(new ContainerView(field + "[" + name.apply(container) + "]", securityContext.apply(container),
                    Objects.requireNonNullElse(ports.apply(container), List.of())));
        }
    }

    private record ContainerView(String path, SecurityContext securityContext, List<ContainerPort> ports) {
    }

    private static List<PodTemplateSpec> podTemplates(RedisReplicationSpec spec) {
        return RedisManifests.render(spec).stream()
                .filter(StatefulSet.class::isInstance)
                .map(object -> ((StatefulSet) object).getSpec().getTemplate())
                .toList();
    }

    /** The redis container's security context in a rendered template. */
    private static SecurityContext redis(PodTemplateSpec template) {
        return template.getSpec().getContainers().get(0).getSecurityContext();
    }
}
